"""Two actors in their own browsers: the broker's DAI lands in canal documental, the técnico
(with TOTP) requests the factura, the broker uploads it, the técnico closes the aforo with a
correction that raises the duties, the broker sees the liquidación complementaria and the
notices in the buzón."""

from __future__ import annotations

import pytest

from ecuapass.customs.tests.test_browser import ITEMS, fill_header, fill_item
from ecuapass.despacho.tests import helpers


def load_world():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.core.loading import LoadReport
    from ecuapass.officers import demo_data as officers_demo
    from ecuapass.portal import reference_data as portal_reference
    from ecuapass.risk.tests.helpers import approved_profile
    from tests.support import world as testing

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, accounts_demo, officers_demo):
        module.load(report)
    testing.load_sample_tariff()
    helpers.load_catalogs()
    # The motor de riesgo sends coffee to the canal documental (an approved profile at 100 %).
    approved_profile("documental", subpartida_prefix="0901", name="Café: control documental")


def sign_in_broker(page, url):
    page.goto(url + "/")
    page.get_by_label("RUC").fill("1791002008001")
    page.get_by_label("ID Usuario").fill("representante")
    page.get_by_label("Contraseña").fill("Agente.Demo.2026")
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.locator(
        "[data-testid=active-oce], button:has-text('Continuar'), button:has-text('Ingresar')"
    ).first.wait_for()
    for step in ("Continuar", "Ingresar"):
        button = page.get_by_role("button", name=step)
        if button.count():
            page.locator("input[type=radio]").first.check()
            button.click()
    page.locator("[data-testid=active-oce]").filter(has_text="17910020").wait_for()


def sign_in_aforador(page, url):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ecuapass.officers.second_factor import current_code

    page.goto(url + "/interno/bandeja/")
    page.get_by_label("RUC").fill("0968562020001")
    page.get_by_label("ID Usuario").fill("aforador")
    page.get_by_label("Contraseña").fill("Aforador.Demo.2026")
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.get_by_role("heading", name="Verificación en dos pasos").wait_for()
    code = current_code(TOTPDevice.objects.get(user__username="aforador", confirmed=True))
    page.get_by_label("Código de verificación").fill(code)
    page.get_by_role("button", name="Verificar").click()
    page.get_by_role("heading", name="Bandeja de trámites").wait_for()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_broker_and_aforador_take_a_dai_through_the_aforo(
    live_server, browser, artifacts_dir, tmp_path, settings
):
    from ecuapass.edocs import services as edocs
    from ecuapass.edocs.models import EDocument

    settings.ECUAPASS_UPLOADS_DIR = tmp_path / "uploads"
    load_world()
    url = live_server.url

    def actor():
        context = browser.new_context(locale="es-EC", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        return context, page

    broker_ctx, broker = actor()
    officer_ctx, officer = actor()
    try:
        # The broker files a DAI for its client (one item: coffee).
        sign_in_broker(broker, url)
        broker.goto(url + "/edocs/")
        broker.get_by_role("link", name="Nuevo: DAI - Declaración Aduanera de Importación").click()
        broker.select_option("#id_importador_ruc", "0991003002001")
        fill_header(broker, factura="001-001-000012345")
        broker.fill("#id_mrn", "CEC2026MSCU0002")
        broker.fill("#id_msn", "0002")
        broker.get_by_role("button", name="Guardar temporal").click()
        broker.get_by_text("Borrador guardado (Guardar temporal).").wait_for()
        fill_item(broker, ITEMS[0])
        broker.get_by_role("button", name="Agregar ítem").click()
        broker.get_by_text("Ítem 1 agregado.").wait_for()
        broker.once("dialog", lambda dialog: dialog.accept())
        broker.get_by_role("button", name="Enviar", exact=True).click()
        broker.locator("#numero-entrega").wait_for()
        entrega = broker.locator("#numero-entrega").inner_text().strip()

        # The worker accepts it; the motor de riesgo gives the canal documental.
        edoc = EDocument.objects.get(numero_entrega=entrega)
        assert edocs.process(edoc.pk) == "aceptado"
        edoc.refresh_from_db()
        assert (edoc.estado_documento, edoc.canal_aforo) == ("canal_asignado", "documental")
        numero = edoc.document_number

        # The técnico, with the second factor, finds it in the bandeja and requests the factura.
        sign_in_aforador(officer, url)
        officer.get_by_role("link", name=numero).click()
        officer.get_by_role("button", name="Iniciar aforo").click()
        officer.get_by_text("Aforo iniciado.").wait_for()
        officer.get_by_label("Factura comercial").check()
        officer.get_by_label("Indicaciones").fill("Factura comercial firmada por el proveedor.")
        officer.get_by_role("button", name="Solicitar documentos").click()
        officer.get_by_text("Se solicitaron los documentos al operador.").wait_for()

        # The broker uploads the scanned factura from the document page.
        factura = tmp_path / "factura-proveedor.pdf"
        factura.write_bytes(helpers.PDF)
        broker.goto(url + edoc.get_absolute_url())
        assert "Aforo documental" in broker.locator("#canal-aforo").inner_text()
        broker.locator("[data-testid=subir-01] input[type=file]").set_input_files(str(factura))
        broker.locator("[data-testid=subir-01]").get_by_role("button", name="Subir").click()
        broker.get_by_text("Documento entregado.").wait_for()
        assert "factura-proveedor.pdf" in broker.locator("#solicitudes").inner_text()

        # The técnico sees it, corrects the FOB (duties rise) and closes con novedad.
        officer.reload()
        assert "factura-proveedor.pdf" in officer.locator("#documentos").inner_text()
        officer.select_option("#id_campo", "fob")
        officer.fill("#id_item", "1")
        officer.fill("#id_valor", "14000")
        officer.fill("#id_motivo", "La factura firmada indica 14.000 USD FOB.")
        officer.get_by_role("button", name="Proponer corrección").click()
        officer.get_by_text("Corrección propuesta; se notificó al operador.").wait_for()
        officer.select_option("#id_resultado", "con_novedad")
        officer.fill("#id_informe", "Subvaloración del ítem 1 según la factura entregada.")
        officer.get_by_role("button", name="Cerrar aforo", exact=True).click()
        officer.get_by_text("Aforo cerrado.").wait_for()
        assert (
            "Liquidación complementaria emitida"
            in officer.locator("#estado-documento").inner_text()
        )
        officer.screenshot(
            path=str(artifacts_dir / "despacho-tramite-aforador.png"), full_page=True
        )

        # The broker sees the liquidación complementaria and the notices.
        broker.reload()
        assert (
            "Liquidación complementaria emitida" in broker.locator("#estado-documento").inner_text()
        )
        heading = broker.locator("#reliq-h").inner_text()
        assert heading.startswith("Liquidación complementaria 028-")
        assert broker.locator("#diferencia").inner_text() not in ("", "0.00", "0,00")
        broker.screenshot(path=str(artifacts_dir / "despacho-documento-agente.png"), full_page=True)
        broker.goto(url + "/buzon/")
        inbox = broker.locator("main").inner_text()
        for subject in (
            "CANAL DE AFORO ASIGNADO",
            "SOLICITUD DE DOCUMENTOS DE SOPORTE",
            "CORRECCIÓN PROPUESTA EN EL AFORO",
            "LIQUIDACIÓN COMPLEMENTARIA",
        ):
            assert subject in inbox, subject
        broker.get_by_role("link", name=f"LIQUIDACIÓN COMPLEMENTARIA - {numero}").first.click()
        broker.get_by_text(heading.replace("Liquidación complementaria ", "")).first.wait_for()
    finally:
        broker_ctx.close()
        officer_ctx.close()

"""Four actors, each in its own browser: the exporter files a DAE for bananas → the depósito
registers the ingreso → the motor de riesgo gives the canal documental and the técnico (with
TOTP) closes the aforo → salida autorizada and the depósito's Informe de Salida → the agente de
carga transmits the manifest → the exporter regularises → the DAE shows Regularizada in 1.3."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ecuapass.despacho.tests.test_browser import sign_in_aforador

from . import helpers


def load_world():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.core.loading import LoadReport
    from ecuapass.despacho.tests import helpers as despacho_helpers
    from ecuapass.exportacion import demo_data
    from ecuapass.officers import demo_data as officers_demo
    from ecuapass.portal import reference_data as portal_reference
    from ecuapass.risk.tests.helpers import approved_profile
    from tests.support import world as testing

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, accounts_demo, officers_demo):
        module.load(report)
    testing.load_sample_tariff()
    despacho_helpers.load_catalogs()
    helpers.load_export_lines()
    users = demo_data._users(report)  # exportador (29000002) and carga (29000003)
    # AGROCALIDAD issued the exporter's phytosanitary export certificate through the VUE.
    exporter, export_oce = users["exportador"]
    helpers.load_certificates(export_oce, exporter)
    # The motor de riesgo sends bananas for export to the canal documental.
    approved_profile(
        "documental", subpartida_prefix="0803", regimen="40", name="Bananas: control documental"
    )


def sign_in(page, url, ruc, username, password, code):
    page.goto(url + "/")
    page.get_by_label("RUC").fill(ruc)
    page.get_by_label("ID Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.locator(
        "[data-testid=active-oce], button:has-text('Continuar'), button:has-text('Ingresar')"
    ).first.wait_for()
    for step in ("Continuar", "Ingresar"):
        button = page.get_by_role("button", name=step)
        if button.count():
            page.locator("input[type=radio]").first.check()
            button.click()
    page.locator("[data-testid=active-oce]").filter(has_text=code).wait_for()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_banana_export_from_dae_to_regularizada(
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

    contexts = []
    try:
        exp_ctx, exporter = actor()
        dep_ctx, deposito = actor()
        off_ctx, officer = actor()
        car_ctx, carga = actor()
        contexts = [exp_ctx, dep_ctx, off_ctx, car_ctx]

        # The exporter files the DAE in the 1.1 editor.
        sign_in(exporter, url, "0991003002001", "exportador", "Exportador.Demo.2026", "29000002")
        exporter.goto(url + "/edocs/")
        exporter.get_by_role(
            "link", name="Nuevo: DAE - Declaración Aduanera de Exportación"
        ).click()
        exporter.select_option("#id_distrito", "028")
        exporter.select_option("#id_regimen", "40")
        exporter.select_option("#id_exportador_ruc", "0991003002001")
        exporter.select_option("#id_pais_destino", "NL")
        exporter.fill("#id_puerto_embarque", "ECGYE")
        exporter.select_option("#id_via_transporte", "maritima")
        exporter.select_option("#id_deposito_codigo", "09920050")
        exporter.fill(
            "#id_fecha_embarque_estimada", (timezone.localdate() + timedelta(days=2)).isoformat()
        )
        exporter.fill("#id_factura_numero", "EXP-BAN-0001")
        exporter.fill("#id_factura_fecha", timezone.localdate().isoformat())
        exporter.select_option("#id_incoterm", "FOB")
        exporter.select_option("#id_moneda", "USD")
        exporter.fill("#id_bultos", "1200")
        item = {
            "subpartida": "0803.90.11.00",
            "descripcion": "Bananas Cavendish frescas, cajas de 18,14 kg",
            "cantidad_fisica": "21772.8",
            "cantidad_comercial": "1200",
            "peso_neto": "21772.8",
            "peso_bruto": "23400",
            "fob": "8400.00",
            "documento_control_tipo": "FITO",
            "documento_control_numero": helpers.certificate().numero,
        }
        for name, value in item.items():
            exporter.fill(f"#id_items-0-{name}", value)
        exporter.fill("#id_items-0-pais_origen", "EC")
        exporter.select_option("#id_items-0-unidad_fisica", "KG")
        exporter.select_option("#id_items-0-unidad_comercial", "U")
        exporter.get_by_role("button", name="Enviar", exact=True).click()
        exporter.locator("#numero-entrega").wait_for()
        entrega = exporter.locator("#numero-entrega").inner_text().strip()
        edoc = EDocument.objects.get(numero_entrega=entrega)
        assert edocs.process(edoc.pk) == "aceptado", list(
            edoc.errors.values_list("code", "message")
        )
        edoc.refresh_from_db()
        numero = edoc.document_number
        # its certificate was discharged by the acceptance
        assert edoc.descargos_vue.get().saldo.documento == helpers.certificate()

        # The depósito registers the Informe de Ingreso.
        sign_in(deposito, url, "0992005009001", "bodega", "Deposito.Demo.2026", "09920050")
        deposito.goto(url + "/exportacion/deposito/")
        deposito.get_by_role("link", name=numero).click()
        deposito.fill("#id_contenedores", "MSKU1234565 / SELLO 00123")
        deposito.fill(
            "#id_fecha_hora",
            (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        )
        deposito.get_by_role("button", name="Registrar").click()
        deposito.get_by_text("Informe de ingreso registrado.").wait_for()
        edoc.refresh_from_db()
        assert (edoc.estado_documento, edoc.canal_aforo) == ("canal_asignado", "documental")

        # The técnico (TOTP) closes the aforo conforme: salida autorizada.
        sign_in_aforador(officer, url)
        officer.get_by_role("link", name=numero).click()
        officer.get_by_role("button", name="Iniciar aforo").click()
        officer.get_by_text("Aforo iniciado.").wait_for()
        officer.select_option("#id_resultado", "conforme")
        officer.get_by_role("button", name="Cerrar aforo", exact=True).click()
        officer.get_by_text("Aforo cerrado.").wait_for()
        assert "Salida autorizada" in officer.locator("#estado-documento").inner_text()

        # The depósito registers the Informe de Salida.
        deposito.reload()
        deposito.fill(
            "#id_fecha_hora",
            (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        )
        deposito.get_by_role("button", name="Registrar").click()
        deposito.get_by_text("Informe de salida registrado.").wait_for()

        # The agente de carga transmits the manifest naming the DAE.
        sign_in(carga, url, "0991003002001", "carga", "Carga.Demo.2026", "29000003")
        carga.goto(url + "/exportacion/manifiesto/nuevo/")
        carga.select_option("#id_distrito", "028")
        carga.select_option("#id_via_transporte", "maritima")
        carga.fill("#id_transportista_ruc", "0990017514001")
        carga.fill("#id_transportista_nombre", "Naviera Demo del Pacífico S.A.")
        carga.fill("#id_nave_vuelo", "MSC ROTTERDAM")
        carga.fill("#id_viaje", "026E")
        carga.fill("#id_puerto_embarque", "ECGYE")
        carga.fill(
            "#id_fecha_salida",
            (timezone.localtime() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
        )
        carga.select_option("#id_docs-0-tipo", "BL")
        carga.fill("#id_docs-0-documento", "MSCUGY260001")
        carga.fill("#id_docs-0-dae", numero)
        carga.fill("#id_docs-0-bultos", "1200")
        carga.fill("#id_docs-0-peso_bruto", "23400")
        carga.get_by_role("button", name="Enviar", exact=True).click()
        carga.locator("#numero-entrega").wait_for()
        mex = EDocument.objects.get(
            numero_entrega=carga.locator("#numero-entrega").inner_text().strip()
        )
        assert edocs.process(mex.pk) == "aceptado", list(mex.errors.values_list("code", "message"))

        # The exporter regularises and sees Regularizada in 1.3.
        exporter.goto(url + edoc.get_absolute_url())
        assert "Embarcada" in exporter.locator("#estado-documento").inner_text()
        exporter.get_by_role("button", name="Regularizar").click()
        exporter.get_by_text("DAE regularizada.").wait_for()
        assert "Regularizada" in exporter.locator("#estado-documento").inner_text()
        exporter.screenshot(
            path=str(artifacts_dir / "exportacion-dae-exportador.png"), full_page=True
        )
        exporter.goto(url + "/edocs/estados/")
        row = exporter.locator("tr", has_text=entrega)
        assert "Regularizada" in row.inner_text()
        exporter.goto(url + "/buzon/")
        inbox = exporter.locator("main").inner_text()
        for subject in ("CANAL DE AFORO ASIGNADO", "SALIDA AUTORIZADA", "DAE EMBARCADA"):
            assert subject in inbox, subject
    finally:
        for context in contexts:
            context.close()

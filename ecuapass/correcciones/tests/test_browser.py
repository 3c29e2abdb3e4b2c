"""Two actors in their own browsers: the broker files a solicitud de corrección from the DAI's page,
the supervisor (with TOTP) approves it in the portal interno, the broker sees the DAI's new version
and the notice in the buzón."""

from __future__ import annotations

import pytest

from ecuapass.despacho.tests.test_browser import sign_in_broker

from .helpers import PDF, accepted_dai


def load_world():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.core.loading import LoadReport
    from ecuapass.officers import demo_data as officers_demo
    from ecuapass.portal import reference_data as portal_reference
    from tests.support import world as testing

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, accounts_demo, officers_demo):
        module.load(report)
    testing.load_sample_tariff()


def demo_broker():
    from ecuapass.accounts.models import OceCode, User
    from tests.support.world import Party

    oce = OceCode.objects.select_related("registration__operator").get(code="17910020")
    operator = oce.registration.operator
    user = User.objects.get(login_ruc=operator.ruc, username="representante")
    return Party(operator=operator, oce=oce, user=user)


def sign_in_officer(page, url, username, password, landing):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ecuapass.officers.second_factor import current_code

    page.goto(url + landing)
    page.get_by_label("RUC").fill("0968562020001")
    page.get_by_label("ID Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.get_by_role("heading", name="Verificación en dos pasos").wait_for()
    code = current_code(TOTPDevice.objects.get(user__username=username, confirmed=True))
    page.get_by_label("Código de verificación").fill(code)
    page.get_by_role("button", name="Verificar").click()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_broker_files_a_correction_and_the_supervisor_approves_it(
    live_server, browser, artifacts_dir, tmp_path
):
    from ecuapass.edocs import services as edocs
    from ecuapass.edocs.models import EDocument

    load_world()
    url = live_server.url
    broker_party = demo_broker()
    dai = accepted_dai(
        broker_party,
        declarante={"ruc": broker_party.operator.ruc, "nombre": broker_party.operator.legal_name},
        oce_code=broker_party.oce.code,
    )
    numero = dai.document_number

    def actor():
        context = browser.new_context(locale="es-EC", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        return context, page

    broker_ctx, broker = actor()
    officer_ctx, officer = actor()
    try:
        # The broker opens the DAI's page and files a solicitud de corrección.
        sign_in_broker(broker, url)
        broker.goto(url + dai.get_absolute_url())
        assert "Versión 1" in broker.locator("#versiones-dai").inner_text()
        broker.locator("[data-testid=solicitar-correccion]").click()
        broker.locator("#solicitud-form").wait_for()
        broker.fill("#id_factura_numero", "001-001-000077777")
        broker.fill("#id_items-0-fob", "12000.00")
        broker.fill("#id_motivo", "La factura definitiva del proveedor tiene otro número y valor.")
        respaldo = tmp_path / "factura-definitiva.pdf"
        respaldo.write_bytes(PDF)
        broker.locator("#id_adjuntos").set_input_files(str(respaldo))
        broker.once("dialog", lambda dialog: dialog.accept())
        broker.get_by_role("button", name="Enviar", exact=True).click()
        broker.locator("#numero-entrega").wait_for()
        entrega = broker.locator("#numero-entrega").inner_text().strip()
        assert "Recibido" in broker.locator("#estado-transmision").inner_text()
        assert "001-001-000077777" in broker.locator("#cambios-solicitud").inner_text()

        # The worker accepts it: it lands with the officers of distrito 028.
        request = EDocument.objects.get(numero_entrega=entrega)
        assert edocs.process(request.pk) == "aceptado"
        request.refresh_from_db()

        # The supervisor, with the second factor, approves it in the portal interno.
        sign_in_officer(
            officer, url, "supervisor", "Supervisor.Demo.2026", "/interno/solicitudes-dai/"
        )
        officer.get_by_role("heading", name="Solicitudes sobre DAI").wait_for()
        officer.get_by_role("link", name=request.document_number).click()
        assert "factura-definitiva.pdf" in officer.locator("#adjuntos").inner_text()
        assert "12000.00" in officer.locator("#cambios").inner_text()
        officer.get_by_label("Nota (obligatoria para denegar)").fill("Respaldada por la factura.")
        officer.get_by_role("button", name="Aprobar").click()
        officer.get_by_text("Solicitud aprobada.").wait_for()
        assert "Aprobada" in officer.locator("#estado-solicitud").inner_text()
        officer.screenshot(
            path=str(artifacts_dir / "correcciones-interno-aprobada.png"), full_page=True
        )

        # The broker sees version 2 of the DAI, same number, and the notice in the buzón.
        broker.goto(url + dai.get_absolute_url())
        assert numero in broker.locator("#numero-documento").inner_text()
        versions = broker.locator("#versiones-dai").inner_text()
        assert (
            "Versión 2" in versions and "001-001-000077777" in versions and "12000.00" in versions
        )
        broker.screenshot(
            path=str(artifacts_dir / "correcciones-dai-versiones.png"), full_page=True
        )
        broker.goto(url + "/buzon/")
        broker.get_by_role(
            "link", name=f"SOLICITUD APROBADA - {request.document_number}"
        ).first.click()
        broker.get_by_text("versión 2").first.wait_for()
    finally:
        broker_ctx.close()
        officer_ctx.close()

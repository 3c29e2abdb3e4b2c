"""The whole journey, each actor in its own browser: the broker's DAI has its aforo closed, the
importer sees the obligation and prints the orden de pago, the demo bank's teller pays it in
the «banca en línea», the DAI turns «Salida autorizada» in 1.3 with its autorización de salida,
and the notices arrive."""

from __future__ import annotations

import pytest

from ecuapass.despacho.tests import helpers


def load_world():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.banca import demo_data as banca_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.core.loading import LoadReport
    from ecuapass.obligaciones import reference_data as ledger_reference
    from ecuapass.portal import reference_data as portal_reference
    from tests.support import world as testing

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, accounts_demo, ledger_reference, banca_demo):
        module.load(report)
    testing.load_sample_tariff()
    helpers.load_catalogs()


def sign_in(page, url, ruc, username, password, *, next_url="/"):
    page.goto(url + "/ingresar/?next=" + next_url)
    page.get_by_label("RUC").fill(ruc)
    page.get_by_label("ID Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar Sesión").click()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_from_aforo_cerrado_to_salida_autorizada_through_the_bank(
    live_server, browser, artifacts_dir
):
    from ecuapass.accounts.models import OceCode
    from ecuapass.notifications.models import Notification
    from ecuapass.obligaciones.models import Obligation
    from tests.support.world import Party

    load_world()
    url = live_server.url
    broker_oce = OceCode.objects.get(code="17910020")
    broker = Party(
        broker_oce.registration.operator,
        broker_oce,
        broker_oce.registration.operator.users.get(username="representante"),
    )
    # The broker's DAI for the demo importer: accepted, canal automático, aforo cerrado.
    edoc = helpers.accepted(broker, by_broker=True)
    assert edoc.estado_documento == "aforo_cerrado"
    obligation = Obligation.objects.get(edoc=edoc)

    def actor():
        context = browser.new_context(locale="es-EC", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        return context, page

    importer_ctx, importer = actor()
    bank_ctx, bank = actor()
    try:
        # The importer finds the obligation in 1.12 and prints its orden de pago.
        sign_in(importer, url, "0991003002001", "demo", "Demo.Ecuapass.2026")
        importer.get_by_label("16 - Importador/Exportador").check()
        importer.get_by_role("button", name="Continuar").click()
        importer.get_by_label("29000001 - Importaciones Guayaquil").check()
        importer.get_by_role("button", name="Ingresar").click()
        importer.locator("[data-testid=active-oce]").filter(has_text="29000001").wait_for()
        importer.goto(url + "/obligaciones/")
        row = importer.locator(f"tr[data-numero='{obligation.numero}']")
        row.wait_for()
        href = row.get_by_role("link", name="Orden de pago (PDF)").get_attribute("href")
        pdf = importer_ctx.request.get(url + href)
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
        importer.screenshot(path=str(artifacts_dir / "obligaciones-1.12.png"), full_page=True)

        # The bank's teller pays it by its número de liquidación.
        sign_in(bank, url, "1793004000001", "cajero", "Banco.Demo.2026", next_url="/banca/")
        bank.get_by_role(
            "heading", name="Banca en línea: recaudación de obligaciones SENAE"
        ).wait_for()
        bank.get_by_label("Número de liquidación").fill(obligation.numero)
        bank.get_by_role("button", name="Consultar").click()
        bank.locator("#obligacion").wait_for()
        bank.get_by_role("button", name="Registrar pago").click()
        bank.get_by_text("Pago registrado").wait_for()
        assert obligation.numero in bank.locator("[data-testid=recaudacion]").inner_text()
        bank.screenshot(path=str(artifacts_dir / "banca-en-linea.png"), full_page=True)

        # The importer sees Salida autorizada in 1.3 and prints the autorización de salida.
        importer.goto(url + "/edocs/estados/")
        importer.get_by_text(edoc.document_number).first.wait_for()
        assert "Salida autorizada" in importer.locator("main").inner_text()
        importer.goto(url + edoc.get_absolute_url())
        assert "Salida autorizada" in importer.locator("#estado-documento").inner_text()
        importer.locator("[data-testid=levante]").wait_for()
        href = importer.get_by_role(
            "link", name="Imprimir autorización de salida (PDF)"
        ).get_attribute("href")
        assert importer_ctx.request.get(url + href).body().startswith(b"%PDF")
        importer.goto(url + "/buzon/")
        assert (
            f"SALIDA AUTORIZADA - {edoc.document_number}" in importer.locator("main").inner_text()
        )
        importer.screenshot(path=str(artifacts_dir / "salida-autorizada.png"), full_page=True)
        assert Notification.objects.filter(
            oce_code=broker_oce, subject__startswith="SALIDA AUTORIZADA"
        ).exists()
    finally:
        importer_ctx.close()
        bank_ctx.close()

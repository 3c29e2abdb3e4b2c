"""Shared steps of the ledger's browser journeys (the banks' and the títulos'): the demo world,
the demo broker, one browser context per actor, the demo importer's and teller's sign-in."""

from __future__ import annotations


def load_world():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.banca import demo_data as banca_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.core.loading import LoadReport
    from ecuapass.despacho.tests import helpers
    from ecuapass.obligaciones import reference_data as ledger_reference
    from ecuapass.portal import reference_data as portal_reference
    from tests.support import world as testing

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, accounts_demo, ledger_reference, banca_demo):
        module.load(report)
    testing.load_sample_tariff()
    helpers.load_catalogs()


def demo_broker():
    """The demo customs broker (OCE 17910020) as a test ``Party``; returns (party, oce)."""
    from ecuapass.accounts.models import OceCode
    from tests.support.world import Party

    oce = OceCode.objects.get(code="17910020")
    operator = oce.registration.operator
    return Party(operator, oce, operator.users.get(username="representante")), oce


def actor(browser):
    context = browser.new_context(locale="es-EC", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def sign_in(page, url, ruc, username, password, *, next_url="/"):
    page.goto(url + "/ingresar/?next=" + next_url)
    page.get_by_label("RUC").fill(ruc)
    page.get_by_label("ID Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar Sesión").click()


def sign_in_importer(page, url):
    """The demo importer's user, with its OCE 29000001 active."""
    sign_in(page, url, "0991003002001", "demo", "Demo.Ecuapass.2026")
    page.get_by_label("16 - Importador/Exportador").check()
    page.get_by_role("button", name="Continuar").click()
    page.get_by_label("29000001 - Importaciones Guayaquil").check()
    page.get_by_role("button", name="Ingresar").click()
    page.locator("[data-testid=active-oce]").filter(has_text="29000001").wait_for()


def sign_in_teller(page, url):
    """The demo bank's teller, on its «banca en línea»."""
    sign_in(page, url, "1793004000001", "cajero", "Banco.Demo.2026", next_url="/banca/")
    page.get_by_role("heading", name="Banca en línea: recaudación de obligaciones SENAE").wait_for()

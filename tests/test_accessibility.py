"""axe-core over the main pages, in Chromium, as the demo user: no serious or critical violation.

Login, main screen (buzón), 1.1 (list and the DAI editor), 1.3, a document page, a message of
the buzón, 2.1.1 Consulta de arancel and the tax calculator (empty and with a result), in
Spanish; the calculator and the main screen again in English.
"""

from __future__ import annotations

import pytest

from ecuapass.core.loading import LoadReport
from tests.support import axe
from tests.support import world as testing


def load_demo():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.notifications import demo_data as notifications_demo
    from ecuapass.portal import demo_data as portal_demo
    from ecuapass.portal import reference_data as portal_reference

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, accounts_demo, portal_demo):
        module.load(report)
    testing.load_sample_tariff()
    notifications_demo.load(report)


def accepted_dai():
    """A DAI of the demo importer, filed and processed (the document page shows everything)."""
    from ecuapass.accounts.models import OceCode, User
    from ecuapass.customs.serializers import DaiSerializer
    from ecuapass.edocs import registry, services

    oce = OceCode.objects.get(code="29000001")
    user = User.objects.get(username="demo", operator__ruc=testing.IMPORTER_RUC)
    payload = testing.dai_payload(invoice="AXE-001")
    s = DaiSerializer(data=payload)
    assert s.is_valid(), s.errors
    edoc = services.submit_payload(
        registry.get("DAI"), s.validated_data, raw=payload, user=user, oce=oce, channel="P"
    ).envio.document
    services.process(edoc.pk)
    return edoc


def check(page, where: str, found: dict) -> None:
    page.wait_for_load_state("load")
    problems = axe.violations(page)
    if problems:
        found[where] = problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_serious_or_critical_axe_violation(live_server, page):
    load_demo()
    edoc = accepted_dai()
    found: dict = {}
    url = live_server.url

    page.goto(url + "/")
    check(page, "login", found)
    page.get_by_label("RUC").fill(testing.IMPORTER_RUC)
    page.get_by_label("ID Usuario").fill("demo")
    page.get_by_label("Contraseña").fill("Demo.Ecuapass.2026")
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.get_by_label("16 - Importador/Exportador").check()
    check(page, "tipo de OCE", found)
    page.get_by_role("button", name="Continuar").click()
    page.get_by_label("29000001 - Importaciones Guayaquil").check()
    page.get_by_role("button", name="Ingresar").click()
    page.locator("[data-testid=active-oce]").filter(has_text="29000001").wait_for()
    check(page, "pantalla principal", found)

    page.goto(url + "/edocs/")
    check(page, "1.1 elaboración", found)
    page.get_by_role("link", name="Nuevo: DAI - Declaración Aduanera de Importación").click()
    page.wait_for_url("**/declaraciones/**")
    check(page, "1.1 editor de la DAI", found)

    page.goto(url + "/edocs/estados/")
    check(page, "1.3 estados", found)
    page.goto(url + f"/edocs/documento/{edoc.pk}/")
    check(page, "página del documento", found)

    page.goto(url + "/buzon/")
    check(page, "buzón", found)
    page.locator("[data-testid=inbox] a").first.click()
    page.wait_for_url("**/buzon/*/")
    check(page, "mensaje del buzón", found)

    page.goto(url + "/arancel/")
    check(page, "2.1.1 consulta de arancel", found)
    page.goto(url + "/arancel/calculadora/")
    check(page, "calculadora", found)
    page.get_by_label("Subpartida, ítem 1").fill(testing.COFFEE["subpartida"])
    page.get_by_label("FOB (USD), ítem 1").fill("48000")
    page.get_by_label("Flete (USD), ítem 1").fill("1200")
    page.get_by_role("button", name="Calcular").click()
    page.locator("#calc-result").wait_for()
    check(page, "calculadora con resultado", found)

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": url}])
    page.goto(url + "/arancel/calculadora/")
    assert page.get_by_label("FOB (USD), item 1").count() == 1
    check(page, "calculator (English)", found)
    page.goto(url + "/buzon/")
    check(page, "inbox (English)", found)

    assert not found, "axe-core:\n" + axe.report(found)


@pytest.mark.browser
def test_the_check_catches_an_unlabelled_input(page):
    """The check itself: an input without a label is a critical violation."""
    page.set_content(
        '<!doctype html><html lang="es"><head><title>t</title></head><body><main>'
        '<h1>t</h1><input type="text" name="fob"><input type="text" title="FOB" name="x">'
        "</main></body></html>"
    )
    found = {rule: impact for rule, impact, _help, _targets in axe.violations(page)}
    assert found.get("label") == "critical"
    page.set_content(
        '<!doctype html><html lang="es"><head><title>t</title></head><body><main>'
        '<h1>t</h1><label for="f">FOB</label><input id="f" type="text" name="fob"></main></body></html>'
    )
    assert axe.violations(page) == []

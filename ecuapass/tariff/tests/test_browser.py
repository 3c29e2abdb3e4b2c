"""End to end in Chromium: search "café", browse chapter 09, open a line, compute two items."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consulta_and_calculator_in_the_browser(live_server, page, tariff):
    page.goto(f"{live_server.url}/arancel/")
    page.fill("input[name=q]", "café")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("#search-results")
    assert "0901.21.10.00" in page.inner_text("#search-results")

    page.goto(f"{live_server.url}/arancel/")
    page.click("text=Capítulo 09")
    page.wait_for_selector("#children")
    page.click("#children >> text=09.01")
    page.click("#children >> text=0901.21")
    page.click("#children >> text=0901.21.10")
    page.click("#children >> text=0901.21.10.00")
    page.wait_for_selector("#measures")
    assert "tarifa de muestra — no oficial" in page.inner_text("main")
    assert "20 %" in page.inner_text("#measures")

    page.click("#calc-button")
    page.wait_for_selector("#calc-form")
    assert page.input_value("input[name=items-0-subpartida]") == "0901.21.10.00"
    page.fill("input[name=fecha]", "2024-05-02")
    page.fill("input[name=items-0-fob]", "1000")
    page.fill("input[name=items-0-flete]", "100")
    page.fill("input[name=items-0-seguro]", "10")
    page.fill("input[name=items-1-fob]", "10000")
    page.fill("input[name=items-1-flete]", "1000")
    page.fill("input[name=items-1-seguro]", "100")
    page.fill("input[name=items-1-tarifa_ad_valorem]", "20")
    page.click("#calc-submit")
    page.wait_for_selector("#calc-result")
    # Item 1: CIF 1110, AV 20 % of 1010 = 202, FODINFA 5.55, IVA 15 % of 1317.55 = 197.63.
    rows = page.inner_text("#calc-items")
    assert "405,18" in rows
    assert "4.051,83" in rows
    assert page.inner_text("#calc-total") == "4.457,01"

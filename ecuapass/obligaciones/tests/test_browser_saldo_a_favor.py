"""The saldo a favor journey, each actor in its own browser: a DAI already paid is lowered (a nota
de crédito for the difference), the importer finds the saldo a favor in 1.12, opens the nota,
is refused when choosing no obligation, applies it to a pending tasa (which it covers in part),
and the demo bank's teller collects only what is left, by the tasa's number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecuapass.despacho.tests import helpers
from ecuapass.obligaciones.tests.browser import (
    actor,
    demo_broker,
    load_world,
    sign_in_importer,
    sign_in_teller,
)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_saldo_a_favor_applied_in_1_12_and_the_rest_paid_at_the_bank(
    live_server, browser, artifacts_dir
):
    from ecuapass.obligaciones import creditos, services
    from ecuapass.obligaciones.models import Concept, Obligation

    load_world()
    url = live_server.url
    broker, _oce = demo_broker()
    edoc = helpers.accepted(broker, by_broker=True)
    paid = Obligation.objects.get(edoc=edoc)
    services.pay(
        paid, amount=services.amount_due(paid).total, collector="BDEMO", reference="previo"
    )
    nota = creditos.for_lowering(
        edoc, Decimal("40.00"), source="test:rebaja", description="Rebaja por corrección"
    )
    importer_ruc = edoc.content.importador_ruc
    tasa = services.issue_obligation(
        importer_ruc, Concept.TASA, [("TASA", "100.00")], source="test:tasa"
    )
    assert creditos.saldo(nota) == Decimal("40.00")

    importer_ctx, importer = actor(browser)
    bank_ctx, bank = actor(browser)
    try:
        sign_in_importer(importer, url)
        importer.goto(url + "/obligaciones/")
        row = importer.locator(f"tr[data-nota='{nota.numero}']")
        row.wait_for()
        assert "40,00" in row.inner_text()
        row.get_by_role("link", name=nota.numero).click()
        assert importer.locator("[data-testid=saldo]").inner_text() == "40,00"
        # No obligation chosen: refused on the field, nothing applied.
        importer.get_by_role("button", name="Aplicar saldo a favor").click()
        importer.locator("#obligacion-error").wait_for()
        assert "Obligación" in importer.locator("#obligacion-error").inner_text()
        importer.get_by_label("Obligación").select_option(tasa.numero)
        importer.get_by_role("button", name="Aplicar saldo a favor").click()
        importer.get_by_text("Se aplicaron USD 40,00").wait_for()
        assert importer.locator("[data-testid=saldo]").inner_text() == "0,00"
        assert tasa.numero in importer.locator("[data-testid=aplicaciones]").inner_text()
        importer.screenshot(path=str(artifacts_dir / "saldo-a-favor-1.12.png"), full_page=True)

        # The bank collects only what is left of the tasa.
        sign_in_teller(bank, url)
        bank.get_by_label("Número de liquidación").fill(tasa.numero)
        bank.get_by_role("button", name="Consultar").click()
        bank.locator("#obligacion").wait_for()
        assert bank.locator("[data-testid=valor]").inner_text() == "60,00"
        bank.get_by_role("button", name="Registrar pago").click()
        bank.get_by_text("Pago registrado").wait_for()

        importer.goto(url + f"/obligaciones/{tasa.numero}/")
        assert importer.locator("[data-testid=estado]").inner_text() == "Pagada"
        tasa.refresh_from_db()
        assert tasa.state == Obligation.State.PAGADA
        assert sorted(p.total for p in tasa.payments.all()) == [Decimal("40.00"), Decimal("60.00")]
    finally:
        importer_ctx.close()
        bank_ctx.close()

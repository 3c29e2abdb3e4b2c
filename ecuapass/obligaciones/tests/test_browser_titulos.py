"""The título de crédito journey, each actor in its own browser: the importer's liquidación is
left unpaid past its term, the daily job issues its título de crédito, the importer sees it in
1.12 (list and detail, with its notice), the demo bank's teller pays it by the título's number
with interest to the day, and the importer's obligation turns «Pagada»."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

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
def test_titulo_de_credito_seen_in_1_12_and_paid_by_the_bank(live_server, browser, artifacts_dir):
    from ecuapass.obligaciones.models import Obligation, TituloCredito

    load_world()
    url = live_server.url
    broker, _oce = demo_broker()
    edoc = helpers.accepted(broker, by_broker=True)
    obligation = Obligation.objects.get(edoc=edoc)
    Obligation.objects.filter(pk=obligation.pk).update(
        exigible_on=timezone.localdate() - timedelta(days=40)
    )
    call_command("emitir_titulos", stdout=open("/dev/null", "w"))
    titulo = TituloCredito.objects.get(obligation=obligation)

    importer_ctx, importer = actor(browser)
    bank_ctx, bank = actor(browser)
    try:
        sign_in_importer(importer, url)
        importer.goto(url + "/obligaciones/")
        row = importer.locator(f"tr[data-numero='{obligation.numero}']")
        row.wait_for()
        assert "Vencida / título de crédito" in row.inner_text()
        assert titulo.numero in row.locator("[data-testid=titulo]").inner_text()
        row.get_by_role("link", name=obligation.numero).click()
        importer.locator("[data-testid=titulo-credito]").wait_for()
        assert titulo.numero in importer.locator("[data-testid=titulo-credito]").inner_text()
        due = importer.locator("[data-testid=a-pagar]").inner_text()
        importer.screenshot(path=str(artifacts_dir / "titulo-credito-1.12.png"), full_page=True)
        importer.goto(url + "/buzon/")
        assert f"TÍTULO DE CRÉDITO - {titulo.numero}" in importer.locator("main").inner_text()

        # The bank's teller pays it by the título's number: the amount due today, interest in.
        sign_in_teller(bank, url)
        bank.get_by_label("Número de liquidación").fill(titulo.numero)
        bank.get_by_role("button", name="Consultar").click()
        bank.locator("#obligacion").wait_for()
        assert bank.locator("[data-testid=valor]").inner_text() == due
        bank.get_by_role("button", name="Registrar pago").click()
        bank.get_by_text("Pago registrado").wait_for()
        bank.screenshot(path=str(artifacts_dir / "titulo-credito-banca.png"), full_page=True)

        importer.goto(url + f"/obligaciones/{obligation.numero}/")
        assert importer.locator("[data-testid=estado]").inner_text() == "Pagada"
        assert titulo.numero in importer.locator("[data-testid=titulo-credito]").inner_text()
        obligation.refresh_from_db()
        assert obligation.state == Obligation.State.PAGADA
        assert obligation.payments.get().interest > 0
    finally:
        importer_ctx.close()
        bank_ctx.close()

"""The whole journey, each actor in its own browser: the broker's DAI has its aforo closed, the
importer sees the obligation and prints the orden de pago, the demo bank's teller pays it in
the «banca en línea», the DAI turns «Salida autorizada» in 1.3 with its autorización de salida,
and the notices arrive."""

from __future__ import annotations

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
def test_from_aforo_cerrado_to_salida_autorizada_through_the_bank(
    live_server, browser, artifacts_dir
):
    from ecuapass.notifications.models import Notification
    from ecuapass.obligaciones.models import Obligation

    load_world()
    url = live_server.url
    broker, broker_oce = demo_broker()
    # The broker's DAI for the demo importer: accepted, canal automático, aforo cerrado.
    edoc = helpers.accepted(broker, by_broker=True)
    assert edoc.estado_documento == "aforo_cerrado"
    obligation = Obligation.objects.get(edoc=edoc)

    importer_ctx, importer = actor(browser)
    bank_ctx, bank = actor(browser)
    try:
        # The importer finds the obligation in 1.12 and prints its orden de pago.
        sign_in_importer(importer, url)
        importer.goto(url + "/obligaciones/")
        row = importer.locator(f"tr[data-numero='{obligation.numero}']")
        row.wait_for()
        href = row.get_by_role("link", name="Orden de pago (PDF)").get_attribute("href")
        pdf = importer_ctx.request.get(url + href)
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
        importer.screenshot(path=str(artifacts_dir / "obligaciones-1.12.png"), full_page=True)

        # The bank's teller pays it by its número de liquidación.
        sign_in_teller(bank, url)
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

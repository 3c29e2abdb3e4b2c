"""End to end in Chromium as the demo user: a DAI with three items, computed, sent, seen in 1.3
as Recibido, accepted by a real worker process, the notice in the buzón, the PDF downloaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ecuapass.core.loading import LoadReport
from tests.support import world as testing

ROOT = Path(__file__).resolve().parents[3]


def load_demo():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.portal import reference_data as portal_reference

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, accounts_demo):
        module.load(report)
    testing.load_sample_tariff()


ITEMS = testing.dai_payload()["items"]


def fill_item(page, i, item):
    page.fill(f"#id_items-{i}-subpartida", item["subpartida"])
    page.fill(f"#id_items-{i}-descripcion", item["descripcion"])
    page.select_option(f"#id_items-{i}-pais_origen", item["pais_origen"])
    for name in (
        "cantidad_fisica",
        "cantidad_comercial",
        "peso_neto",
        "peso_bruto",
        "fob",
        "flete",
        "seguro",
    ):
        page.fill(f"#id_items-{i}-{name}", item[name])
    page.select_option(f"#id_items-{i}-unidad_fisica", item["unidad_fisica"])
    page.select_option(f"#id_items-{i}-unidad_comercial", item["unidad_comercial"])


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_dai_from_form_to_acceptance_in_the_browser(
    live_server, page, subprocess_env, artifacts_dir
):
    load_demo()
    page.goto(live_server.url + "/")
    page.get_by_label("RUC").fill("0991003002001")
    page.get_by_label("ID Usuario").fill("demo")
    page.get_by_label("Contraseña").fill("Demo.Ecuapass.2026")
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.get_by_label("16 - Importador/Exportador").check()
    page.get_by_role("button", name="Continuar").click()
    page.get_by_label("29000001 - Importaciones Guayaquil").check()
    page.get_by_role("button", name="Ingresar").click()
    page.locator("[data-testid=active-oce]").filter(has_text="29000001").wait_for()

    # 1.1 → Nueva DAI.
    page.goto(live_server.url + "/edocs/")
    page.get_by_role("link", name="Nuevo: DAI - Declaración Aduanera de Importación").click()
    page.select_option("#id_distrito", "028")
    page.select_option("#id_pais_origen", "CN")
    page.select_option("#id_pais_procedencia", "CN")
    page.select_option("#id_pais_embarque", "CN")
    page.fill("#id_mrn", "CEC2026MSCU0001")
    page.fill("#id_msn", "0001")
    page.fill("#id_fecha_embarque", "2025-12-01")
    page.fill("#id_fecha_llegada", "2025-12-20")
    page.fill("#id_factura_numero", "001-001-000099999")
    page.fill("#id_factura_fecha", "2025-11-20")
    fill_item(page, 0, ITEMS[0])
    for i in (1, 2):
        page.get_by_role("button", name="Agregar ítem").click()
        page.locator(f"#id_items-{i}-subpartida").wait_for()
        fill_item(page, i, ITEMS[i])
    page.get_by_role("button", name="Cálculo de tributos").click()
    page.get_by_text("Cálculo de tributos actualizado.").wait_for()
    total = page.locator("#total-tributos").inner_text()
    assert total and total != "0,00"
    assert page.locator("#liquidacion-items tbody tr").count() == 3

    # Enviar, with its confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Enviar", exact=True).click()
    page.locator("#numero-entrega").wait_for()
    numero = page.locator("#numero-entrega").inner_text().strip()
    assert numero.startswith("29000001") and numero.endswith("P")
    assert "Recibido" in page.locator("#estado-transmision").inner_text()

    # 1.3 shows it as Recibido.
    page.goto(live_server.url + "/edocs/estados/")
    row = page.locator("#estados tbody tr").filter(has_text=numero)
    assert "Recibido" in row.inner_text()

    # The worker (a real process) accepts it.
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--queue-name",
            "*",
            "--no-reload",
        ],
        cwd=ROOT,
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    page.get_by_role("button", name="Consultar").click()
    row = page.locator("#estados tbody tr").filter(has_text=numero)
    # Accepted, then the despacho: no perfil de riesgo in the test database → canal automático →
    # the aforo closes at once.
    assert "Aforo cerrado" in row.inner_text() and "Procesado" in row.inner_text()
    assert "028-" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / "edocs-1.3-aceptado.png"), full_page=True)

    # The notice in the buzón.
    page.goto(live_server.url + "/buzon/")
    page.get_by_role("link", name="DAI ACEPTADA").first.click()
    page.get_by_text(numero).first.wait_for()

    # The document page and the PDF.
    page.goto(live_server.url + "/edocs/estados/")
    page.get_by_role("link", name=numero).click()
    assert "Aforo cerrado" in page.locator("#estado-documento").inner_text()
    history = page.get_by_role("region", name="Historial de estados")
    assert "Aceptado" in history.inner_text()
    href = page.get_by_role("link", name="Imprimir DAI (PDF)").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

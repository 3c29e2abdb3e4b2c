"""End to end in Chromium as the demo user: a partial draft kept, the complete validation's errors
as links to the fields, three items added and one corrected one at a time, computed, sent, seen in
1.3 as Recibido, accepted by a real worker process, the notice in the buzón, the PDF downloaded;
and a 999-item DAI imported from Excel, saved, computed, corrected and sent."""

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


def fill_item(page, item):
    """The item form (one item, saved on its own): every field is a text input, the catalog
    codes included (typeahead suggestions from the cached catalogs)."""
    for name in (
        "subpartida",
        "descripcion",
        "pais_origen",
        "cantidad_fisica",
        "unidad_fisica",
        "cantidad_comercial",
        "unidad_comercial",
        "peso_neto",
        "peso_bruto",
        "fob",
        "flete",
        "seguro",
    ):
        page.fill(f"#id_item-{name}", item[name])


def login(page, live_server):
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


def fill_header(page, factura="001-001-000099999"):
    page.select_option("#id_distrito", "028")
    for name in ("pais_origen", "pais_procedencia", "pais_embarque"):
        page.fill(f"#id_{name}", "CN")
    page.fill("#id_mrn", "CEC2026MSCU0001")
    page.fill("#id_msn", "0001")
    page.fill("#id_fecha_embarque", "2025-12-01")
    page.fill("#id_fecha_llegada", "2025-12-20")
    page.fill("#id_factura_numero", factura)
    page.fill("#id_factura_fecha", "2025-11-20")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_dai_from_form_to_acceptance_in_the_browser(
    live_server, page, subprocess_env, artifacts_dir
):
    load_demo()
    login(page, live_server)

    # 1.1 → Nueva DAI: a partial draft is kept ("Guardar temporal").
    page.goto(live_server.url + "/edocs/")
    page.get_by_role("link", name="Nuevo: DAI - Declaración Aduanera de Importación").click()
    page.fill("#id_factura_numero", "001-001-000099999")
    page.fill("#id_fecha_embarque", "2025-12-20")
    page.fill("#id_fecha_llegada", "2025-12-01")  # before embarque: does not block a draft
    page.get_by_role("button", name="Guardar temporal").click()
    page.get_by_text("Borrador guardado (Guardar temporal).").wait_for()
    assert page.input_value("#id_factura_numero") == "001-001-000099999"

    # "Cálculo de tributos" runs the complete validation: the errors at the top link to the fields.
    page.get_by_role("button", name="Cálculo de tributos").click()
    summary = page.locator("#errores")
    summary.wait_for()
    assert "Agregue al menos un ítem" in summary.inner_text()
    summary.get_by_role("link", name="Distrito aduanero").first.click()
    assert page.evaluate("document.activeElement.id") == "id_distrito"
    summary.get_by_role("link", name="anterior a la fecha de embarque").click()
    assert page.evaluate("document.activeElement.id") == "id_fecha_llegada"

    fill_header(page)
    page.get_by_role("button", name="Guardar temporal").click()
    page.get_by_text("Borrador guardado (Guardar temporal).").wait_for()

    # Items one at a time; the country suggestions come from the cached catalog.
    page.locator("#catalogo-paises option[value=CO]").wait_for(state="attached")
    for n, item in enumerate(ITEMS, start=1):
        fill_item(page, item)
        page.get_by_role("button", name="Agregar ítem").click()
        page.get_by_text(f"Ítem {n} agregado.").wait_for()
    assert page.locator("#items-list tbody tr").count() == 3
    total_before = page.locator("#total-tributos").inner_text()

    # Correct item 2 on its own: the totals and the liquidación follow from the server.
    page.get_by_role("link", name="Editar el ítem 2").click()
    assert page.input_value("#id_item-subpartida") == ITEMS[1]["subpartida"]
    page.fill("#id_item-fob", "30000.00")
    page.get_by_role("button", name="Guardar ítem").click()
    page.get_by_text("Ítem 2 guardado.").wait_for()
    assert "30.000,00" in page.locator("#item-2").inner_text()
    assert page.locator("#total-tributos").inner_text() != total_before

    page.get_by_role("button", name="Cálculo de tributos").click()
    page.get_by_text("Cálculo de tributos actualizado.").wait_for()
    total = page.locator("#total-tributos").inner_text()
    assert total and total != "0,00"

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


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_999_items_from_excel_saved_computed_corrected_and_sent(
    live_server, page, tmp_path, artifacts_dir
):
    from openpyxl import Workbook

    from ecuapass.customs import excel
    from ecuapass.customs.models import Dai

    load_demo()
    page.set_default_timeout(240_000)  # a 999-item declaration on a shared 2-core machine
    book = Workbook()
    sheet = book.active
    sheet.append([str(label) for _n, label in excel.COLUMNS])
    for i in range(999):
        item = ITEMS[i % 3]
        sheet.append(
            [
                f"{item['descripcion']} #{i + 1}" if n == "descripcion" else item.get(n, "")
                for n, _l in excel.COLUMNS
            ]
        )
    path = tmp_path / "items-999.xlsx"
    book.save(path)

    login(page, live_server)
    page.goto(live_server.url + "/declaraciones/dai/nueva/")
    fill_header(page, factura="001-001-000000999")
    page.set_input_files("#archivo", str(path))
    page.get_by_role("button", name="Importar", exact=True).click()
    page.get_by_text("Se importaron 999 ítems.").wait_for()
    assert "Página 1 de 20" in page.locator("#seccion-items").inner_text()
    assert page.locator("#items-list tbody tr").count() == 50
    weight = page.evaluate("document.documentElement.outerHTML.length")
    assert weight < 300_000, weight

    page.get_by_role("button", name="Guardar temporal").click()
    page.get_by_text("Borrador guardado (Guardar temporal).").wait_for()
    page.get_by_role("button", name="Cálculo de tributos").click()
    page.get_by_text("Cálculo de tributos actualizado.").wait_for()
    assert page.locator("#total-items").inner_text() == "999"

    # Go to item 999 and correct it.
    page.fill("#ir-item", "999")
    page.get_by_role("button", name="Ir", exact=True).click()
    page.get_by_role("link", name="Editar el ítem 999").click()
    page.fill("#id_item-descripcion", "Corregido en el navegador")
    page.get_by_role("button", name="Guardar ítem").click()
    page.get_by_text("Ítem 999 guardado.").wait_for()
    assert "Corregido en el navegador" in page.locator("#item-999").inner_text()
    page.screenshot(path=str(artifacts_dir / "dai-999-items.png"))

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Enviar", exact=True).click()
    page.locator("#numero-entrega").wait_for()
    numero = page.locator("#numero-entrega").inner_text().strip()
    assert numero.startswith("29000001") and numero.endswith("P")
    dai = Dai.objects.get(edoc__numero_entrega=numero)
    assert dai.numero_items == 999 and dai.edoc.envio.payload["items"][998]["descripcion"] == (
        "Corregido en el navegador"
    )

"""The DAI editor at real size (issue 9): items changed one at a time against the draft, a
paginated list, typeahead catalogs from a cached endpoint, partial drafts with the complete
validation at "Cálculo de tributos" / "Enviar", and exchange rates from the BCE's table."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from ecuapass.customs.models import Dai, DaiItem, TipoCambio
from ecuapass.customs.services import ITEM_FIELDS
from ecuapass.customs.tests.test_editor import ITEMS, form_data
from ecuapass.edocs.models import EDocument, Envio

pytestmark = pytest.mark.django_db


def header(**overrides):
    """The header fields of the editor's form (no items)."""
    data = {k: v for k, v in form_data([]).items() if not k.startswith("items-")}
    data.update(overrides)
    return data


def item_data(item: dict, **overrides) -> dict:
    return {f"item-{k}": v for k, v in {**item, **overrides}.items() if k in ITEM_FIELDS}


@pytest.fixture
def editor(oce_client, world):
    client = oce_client(world.importer)
    client.raise_request_exception = True
    return client


def new_draft(editor, **fields) -> EDocument:
    r = editor.post("/declaraciones/dai/nueva/", {**fields, "accion": "guardar"})
    assert r.status_code == 302, r.content.decode()[:2000]
    return EDocument.objects.latest("pk")


def bulk_items(edoc, n: int) -> None:
    """``n`` saved items on a draft (like an import), then its liquidación."""
    from ecuapass.customs.services import item_rows, recompute

    dai = edoc.dai
    rows = item_rows([dict(ITEMS[i % 3], seguro=None if i % 2 else "5") for i in range(n)], dai)
    DaiItem.objects.bulk_create(rows)
    from django.utils import timezone

    recompute(dai, on=timezone.localdate())


# --- partial drafts and the complete validation ----------------------------------------------
def test_guardar_temporal_keeps_any_subset_of_fields_and_cross_field_checks_wait(editor):
    edoc = new_draft(
        editor, factura_numero="F-PARCIAL", fecha_embarque="2025-12-20", fecha_llegada="2025-12-01"
    )
    dai = Dai.objects.get(edoc=edoc)
    assert dai.factura_numero == "F-PARCIAL" and dai.distrito == ""
    assert str(dai.fecha_llegada) == "2025-12-01"  # before embarque: kept in the draft
    # A format error is still refused, and nothing is written.
    r = editor.post(
        f"/declaraciones/dai/{edoc.pk}/editar/", {"accion": "guardar", "fecha_embarque": "ayer"}
    )
    assert r.status_code == 200 and 'href="#id_fecha_embarque"' in r.content.decode()
    dai.refresh_from_db()
    assert str(dai.fecha_embarque) == "2025-12-20"


def test_calculo_runs_the_complete_validation_with_errors_listed_as_links(editor):
    edoc = new_draft(editor, factura_numero="F-PARCIAL")
    r = editor.post(
        f"/declaraciones/dai/{edoc.pk}/editar/",
        {
            "accion": "calcular",
            "factura_numero": "F-PARCIAL",
            "fecha_embarque": "2025-12-20",
            "fecha_llegada": "2025-12-01",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    summary = html.split('id="errores"', 1)[1].split("</div>", 1)[0]
    for href in ("#id_distrito", "#id_importador_ruc", "#id_factura_fecha", "#id_fecha_llegada"):
        assert f'href="{href}"' in summary, href
    assert "Agregue al menos un ítem" in summary
    assert "La fecha de llegada es anterior a la fecha de embarque" in summary
    # ...and each error beside its field.
    assert re.search(r'field field-error">\s*<label for="id_distrito"', html)
    # The draft kept what was typed.
    assert Dai.objects.get(edoc=edoc).fecha_llegada.isoformat() == "2025-12-01"
    assert not Envio.objects.exists()


def test_enviar_with_an_incomplete_draft_sends_nothing(editor):
    edoc = new_draft(editor, **header(distrito=""))
    editor.post(f"/declaraciones/dai/{edoc.pk}/items/", item_data(ITEMS[0]))
    r = editor.post(f"/declaraciones/dai/{edoc.pk}/editar/", header(distrito="", accion="enviar"))
    assert r.status_code == 200 and 'href="#id_distrito"' in r.content.decode()
    edoc.refresh_from_db()
    assert edoc.is_draft and not Envio.objects.exists()


def test_item_errors_link_to_the_item_and_show_beside_its_field(editor):
    edoc = new_draft(editor, **header())
    editor.post(f"/declaraciones/dai/{edoc.pk}/items/", item_data(ITEMS[0]))
    # A draft item may have peso neto > bruto (a cross-field check)...
    r = editor.post(f"/declaraciones/dai/{edoc.pk}/items/", item_data(ITEMS[1], peso_neto="999"))
    assert r.status_code == 302
    # ...which the complete validation reports as a link to that item's field.
    r = editor.post(f"/declaraciones/dai/{edoc.pk}/editar/", header(accion="calcular"))
    html = r.content.decode()
    assert 'href="?item=2#id_item-peso_neto"' in html
    page = editor.get(f"/declaraciones/dai/{edoc.pk}/editar/?item=2").content.decode()
    assert re.search(r'field field-error">\s*<label for="id_item-peso_neto"', page)
    assert "El peso neto es mayor que el peso bruto" in page


# --- items one at a time ---------------------------------------------------------------------
def test_items_are_added_edited_and_removed_one_at_a_time(editor):
    edoc = new_draft(editor, **header())
    for item in ITEMS:
        r = editor.post(f"/declaraciones/dai/{edoc.pk}/items/", item_data(item))
        assert r.status_code == 302
    dai = Dai.objects.get(edoc=edoc)
    liq = dai.liquidacion
    assert dai.numero_items == 3 and liq.total_tributos > 0
    before = liq.total_tributos
    r = editor.post(f"/declaraciones/dai/{edoc.pk}/items/1/", item_data(ITEMS[0], fob="20000.00"))
    assert r.status_code == 302 and "#item-1" in r["Location"]
    dai.refresh_from_db()
    assert dai.items.get(numero=1).fob == Decimal("20000.00")
    assert dai.liquidacion.total_tributos > before
    assert dai.total_fob == Decimal("51000.00")
    r = editor.post(f"/declaraciones/dai/{edoc.pk}/items/2/eliminar/")
    assert r.status_code == 302
    dai.refresh_from_db()
    assert list(dai.items.values_list("numero", "subpartida")) == [
        (1, "0901211000"),
        (2, "6403999000"),
    ]
    assert dai.numero_items == 2 and dai.total_fob == Decimal("26000.00")
    r = editor.post(f"/declaraciones/dai/{edoc.pk}/items/9/eliminar/", follow=True)
    assert "El ítem 9 no existe" in r.content.decode() and dai.items.count() == 2


def test_item_of_another_oce_or_a_sent_draft_is_out_of_reach(oce_client, world, editor):
    edoc = new_draft(editor, **header())
    other = oce_client(world.broker)
    r = other.post(f"/declaraciones/dai/{edoc.pk}/items/", item_data(ITEMS[0]))
    assert r.status_code in (403, 404)
    assert not DaiItem.objects.exists()


def test_catalog_fields_are_typeahead_inputs_backed_by_a_cached_endpoint(editor):
    edoc = new_draft(editor, **header())
    page = editor.get(f"/declaraciones/dai/{edoc.pk}/editar/").content.decode()
    assert 'data-catalogo="paises"' in page and 'data-catalogo="unidades"' in page
    assert '<select name="item-pais_origen"' not in page
    r = editor.get("/declaraciones/dai/catalogos/paises.json")
    assert r.status_code == 200 and "max-age" in r["Cache-Control"]
    rows = r.json()
    assert ["EC", "Ecuador"] in rows
    units = editor.get("/declaraciones/dai/catalogos/unidades.json").json()
    assert any(code == "KG" for code, _name in units)
    # A code outside the catalog is a field error.
    r = editor.post(f"/declaraciones/dai/{edoc.pk}/items/", item_data(ITEMS[0], pais_origen="ZZ"))
    assert r.status_code == 200 and "no es un código del catálogo" in r.content.decode()


def test_a_large_draft_opens_one_page_with_a_fixed_number_of_queries(
    editor, django_assert_max_num_queries
):
    edoc = new_draft(editor, **header())
    bulk_items(edoc, 120)
    url = f"/declaraciones/dai/{edoc.pk}/editar/"
    with django_assert_max_num_queries(40):
        r = editor.get(url)
    html = r.content.decode()
    assert html.count('class="item-line') == 50 and "Página 1 de 3" in html
    assert len(r.content) < 300_000
    r = editor.get(url + "?item=75")
    assert 'id="item-75"' in r.content.decode() and "Página 2 de 3" in r.content.decode()
    assert 'value="Zapatos de cuero' in r.content.decode() or "Editar el ítem 75" in (
        r.content.decode()
    )


def test_the_grid_is_never_posted_and_more_than_64_items_save(editor):
    """The 400 of Django's field limit came from posting the grid: the header form has a
    fixed number of fields whatever the item count."""
    edoc = new_draft(editor, **header())
    bulk_items(edoc, 100)
    html = editor.get(f"/declaraciones/dai/{edoc.pk}/editar/").content.decode()
    form = html.split('id="dai-form"', 1)[1].split("</form>", 1)[0]
    assert len(re.findall(r'name="', form)) < 60
    r = editor.post(f"/declaraciones/dai/{edoc.pk}/editar/", header(accion="calcular"))
    assert r.status_code == 302
    assert Dai.objects.get(edoc=edoc).numero_items == 100


# --- exchange rates --------------------------------------------------------------------------
def test_exchange_rates_load_from_the_bce_layout(tmp_path):
    call_command("load_exchange_rates")
    eur = TipoCambio.objects.get(moneda="EUR", fecha="2026-01-02")
    assert eur.tasa == Decimal("1.04") and "Banco Central" in eur.fuente
    assert TipoCambio.objects.get(moneda="COP", fecha="2026-01-02").tasa == Decimal("0.000228")
    # Idempotent; a bad file loads nothing.
    count = TipoCambio.objects.count()
    call_command("load_exchange_rates")
    assert TipoCambio.objects.count() == count
    bad = tmp_path / "bce.csv"
    bad.write_text(
        "Fecha;País;Moneda;Código;Unidades por dólar;Dólares por unidad\n"
        "03/01/2026;Suiza;Franco;CHF;0,9;1,11\n03/01/2026;X;Y;EURO;1;x\n",
        encoding="utf-8",
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_exchange_rates", str(bad))
    assert not TipoCambio.objects.filter(moneda="CHF").exists()


def test_rate_is_filled_from_the_table_and_a_manual_one_needs_a_reason(editor, world):
    call_command("load_exchange_rates")
    edoc = new_draft(editor, **header(moneda="EUR", tipo_cambio="", factura_fecha="2025-12-15"))
    dai = Dai.objects.get(edoc=edoc)
    assert dai.tipo_cambio == Decimal("1.06")  # the rate of 01/12/2025, the last before
    editor.post(f"/declaraciones/dai/{edoc.pk}/items/", item_data(ITEMS[0]))
    dai.refresh_from_db()
    assert dai.total_fob == Decimal("10600.00")
    # A typed rate without a reason is replaced by the published one...
    editor.post(
        f"/declaraciones/dai/{edoc.pk}/editar/",
        header(moneda="EUR", tipo_cambio="1.5", factura_fecha="2025-12-15", accion="guardar"),
    )
    dai.refresh_from_db()
    assert dai.tipo_cambio == Decimal("1.06")
    # ...and kept with one, which the document page shows.
    r = editor.post(
        f"/declaraciones/dai/{edoc.pk}/editar/",
        header(
            moneda="EUR",
            tipo_cambio="1.1",
            tipo_cambio_motivo="Tasa de la carta de crédito",
            factura_fecha="2025-12-15",
            accion="guardar",
        ),
    )
    dai.refresh_from_db()
    assert dai.tipo_cambio == Decimal("1.1") and dai.tipo_cambio_manual
    # The officer (and the operator) read the reason on the sent declaration.
    r = editor.post(
        f"/declaraciones/dai/{edoc.pk}/editar/",
        header(
            moneda="EUR",
            tipo_cambio="1.1",
            tipo_cambio_motivo="Tasa de la carta de crédito",
            factura_fecha="2025-11-20",
            accion="enviar",
        ),
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    page = editor.get(r["Location"]).content.decode()
    assert "Tasa de la carta de crédito" in page
    # A currency without a published rate needs a manual one at the complete validation.
    edoc = new_draft(editor, **header(factura_numero="F-CHF"))
    r = editor.post(
        f"/declaraciones/dai/{edoc.pk}/editar/",
        header(
            moneda="CHF",
            tipo_cambio="",
            factura_numero="F-CHF",
            factura_fecha="2025-12-15",
            accion="calcular",
        ),
    )
    assert "No hay tipo de cambio publicado para CHF" in r.content.decode()


def test_one_item_edit_gives_the_figures_of_a_whole_recomputation(editor):
    """Saving one item runs only that item through the calculator; the result is exactly what
    recomputing the whole declaration gives (totals, detail, header)."""
    from django.utils import timezone

    from ecuapass.customs.services import recompute

    edoc = new_draft(editor, **header())
    bulk_items(edoc, 30)
    editor.post(
        f"/declaraciones/dai/{edoc.pk}/items/7/", item_data(ITEMS[2], fob="777.77", seguro="0")
    )
    editor.post(f"/declaraciones/dai/{edoc.pk}/items/", item_data(ITEMS[0], seguro="12.5"))
    dai = Dai.objects.get(edoc=edoc)
    liq = dai.liquidacion
    fields = ["total_cif", "total_iva", "total_tributos", "total_fodinfa", "detalle"]
    incremental = [getattr(liq, f) for f in fields]
    header_totals = [dai.total_seguro, dai.total_cif, dai.total_fob, dai.numero_items]
    items = list(dai.items.values_list("seguro_aplicado", "cif", "total_tributos"))
    recompute(dai, on=timezone.localdate())
    dai.refresh_from_db()
    liq.refresh_from_db()
    assert [getattr(liq, f) for f in fields] == incremental
    assert [dai.total_seguro, dai.total_cif, dai.total_fob, dai.numero_items] == header_totals
    assert list(dai.items.values_list("seguro_aplicado", "cif", "total_tributos")) == items
    assert dai.numero_items == 31 and dai.items.get(numero=7).seguro_presuntivo

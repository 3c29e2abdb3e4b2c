import io
from datetime import date
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from ecuapass.core.loading import LoadReport
from ecuapass.tariff.models import Commodity, Measure, Restriction, Section, TaxRule
from ecuapass.tariff.services import line_sheet, search
from ecuapass.tariff.services.loaders import DATA, load_arancel, load_nomenclature, load_tax_rules

pytestmark = pytest.mark.django_db

HEADER = "codigo,descripcion,unidad,vigencia_desde,vigencia_hasta,base_legal,ad_valorem,especifico,especifico_unidad,ice_ad_valorem,iva,fodinfa,restricciones,prohibicion\n"


def csv_file(body: str) -> io.BytesIO:
    return io.BytesIO((HEADER + body).encode("utf-8"))


def test_full_nomenclature_loads_without_artefacts_and_is_idempotent(units):
    report = LoadReport(write=lambda *_: None)
    load_nomenclature(report)
    load_tax_rules(report)
    assert Section.objects.count() == 21
    assert Commodity.objects.filter(level=2).count() == 96
    assert Commodity.objects.filter(level=4).count() == 1228
    assert Commodity.objects.filter(level=6).count() == 5612
    assert not Commodity.objects.filter(code__startswith="99").exists()
    chapter = Commodity.objects.get(code="09")
    assert chapter.description_es == "Café, té, yerba mate y especias"
    assert chapter.text_source == "no_oficial"
    assert Commodity.objects.get(code="0901").description_en.startswith("Coffee")
    assert Section.objects.get(roman="I").title_es == "Animales vivos y productos del reino animal"
    again = LoadReport(write=lambda *_: None)
    load_nomenclature(again)
    load_tax_rules(again)
    for counts in again.counts.values():
        assert counts["inserted"] == counts["updated"] == counts["rejected"] == 0
    # Search over the whole nomenclature: "café" finds coffee, "CAFE" too.
    assert any(h.commodity.code == "0901" for h in search("café", per_page=50).hits)
    assert any(h.commodity.code.startswith("0901") for h in search("CAFE", per_page=50).hits)
    assert TaxRule.objects.filter(code="iva").count() == 6


def test_bad_rows_are_reported_and_good_rows_load(nomenclature):
    body = (
        "0901.21.10.00,Café tostado en grano,KG,2023-09-01,,Resolución COMEX 001-2023,20,,,,general,SI,,\n"
        "0901.21,Café,KG,2023-09-01,,Res,20,,,,general,SI,,\n"
        "0901.21.20.00,Café molido,KG,01/09/2023,,Res,abc,,,,general,SI,,\n"
        "0901.21.30.00,Café,KG,,,Res,20,,,,general,SI,,\n"
        "0901.21.40.00,Café,XX,2023-09-01,,Res,20,,,,general,SI,,\n"
        "9999.99.99.99,Nada,KG,2023-09-01,,Res,20,,,,general,SI,,\n"
        "6403.99.90.00,Calzado,PAR,2023-09-01,,Res,10,6,,,general,SI,,\n"
        "0901.21.50.00,Café,KG,2023-09-01,,Res,-5,,,,general,SI,,\n"
        "0901.21.60.00,Café,KG,2023-09-01,,Res,5,,,,7,SI,,\n"
        "0901.21.70.00,Café,KG,2023-09-01,,Res,5,,,,general,SI,ARCSA sin documento,\n"
    )
    report = load_arancel(csv_file(body), "arancel.csv")
    assert report.rows["inserted"] == 1
    assert report.rows["rejected"] == 9
    reasons = {e.row: e.reason for e in report.errors}
    assert "10 dígitos" in reasons[3]
    assert "no es un número" in reasons[4]
    assert "vigencia_desde" in reasons[5]
    assert "unidad «XX»" in reasons[6]
    assert "no existe en la nomenclatura" in reasons[7]
    assert "especifico_unidad" in reasons[8]
    assert "negativo" in reasons[9]
    assert "iva" in reasons[10]
    assert "ENTIDAD: documento" in reasons[11]
    assert Commodity.objects.filter(level=10).count() == 1
    assert "fila 3" in report.summary()


def test_missing_required_columns_is_one_clear_error(nomenclature):
    report = load_arancel(io.BytesIO(b"codigo,descripcion\n0901211000,x\n"), "a.csv")
    assert report.rows["rejected"] == 1
    assert "base_legal" in report.errors[0].reason


def test_reload_is_unchanged_and_newer_file_closes_measures_keeping_history(nomenclature):
    first = "0808.10.00.00,Manzanas,KG,2023-09-01,,Resolución COMEX 001-2023,15,,,,general,SI,AGROCALIDAD: Permiso fitosanitario,\n"
    r1 = load_arancel(csv_file(first), "2023.csv")
    assert r1.rows == {"inserted": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    r2 = load_arancel(csv_file(first), "2023.csv")
    assert r2.rows == {"inserted": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    assert r2.measures["inserted"] == 0
    newer = "0808.10.00.00,Manzanas frescas,KG,2025-01-01,,Resolución COMEX 009-2024,10,,,5,general,NO,,Prohibida en temporada (ejemplo)\n"
    r3 = load_arancel(csv_file(newer), "2025.csv")
    assert r3.rows["updated"] == 1
    line = Commodity.objects.get(code="0808100000")
    av = list(Measure.objects.filter(line=line, kind="ad_valorem").order_by("valid_from"))
    assert [(m.rate, m.valid_from, m.valid_to) for m in av] == [
        (D("15.0000"), date(2023, 9, 1), date(2024, 12, 31)),
        (D("10.0000"), date(2025, 1, 1), None),
    ]
    assert av[1].legal_basis == "Resolución COMEX 009-2024"
    old = line_sheet("0808100000", date(2024, 6, 1))
    new = line_sheet("0808100000", date(2025, 6, 1))
    assert {m.kind: m.value_display for m in old.measures_in_force}["ad_valorem"] == "15 %"
    assert {m.kind: m.value_display for m in new.measures_in_force}["ad_valorem"] == "10 %"
    assert [r.agency for r in old.restrictions] == ["AGROCALIDAD"]
    assert new.restrictions == [] and len(new.prohibitions) == 1
    assert "ice_ad_valorem" in {m.kind for m in new.measures_in_force}
    fod = next(m for m in new.measures_in_force if m.kind == "fodinfa")
    assert fod.applies is False
    assert line.description_es == "Manzanas frescas"
    assert Restriction.objects.filter(line=line).count() == 2
    # Loading the older file again changes nothing of the newer history.
    r4 = load_arancel(csv_file(first), "2023.csv")
    assert r4.rows["unchanged"] == 1, r4.summary()
    r5 = load_arancel(csv_file(newer), "2025.csv")
    assert r5.rows["unchanged"] == 1, r5.summary()


def test_xlsx_file_with_row_numbers(nomenclature):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "Código",
            "Descripción",
            "Unidad",
            "Vigencia desde",
            "Base legal",
            "Ad valorem",
            "IVA",
            "FODINFA",
        ]
    )
    ws.append(
        [
            "0901.21.10.00",
            "Café en grano",
            "KG",
            date(2023, 9, 1),
            "Res. COMEX 1",
            20,
            "general",
            "SI",
        ]
    )
    ws.append(
        ["0901.21.20.00", "Café molido", "KG", "no es fecha", "Res. COMEX 1", 20, "general", "SI"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    report = load_arancel(buf, "arancel.xlsx")
    assert report.rows["inserted"] == 1
    assert [(e.row, e.code) for e in report.errors] == [(3, "0901.21.20.00")]


def test_sample_file_is_flagged_and_idempotent(tariff):
    assert tariff.rows["rejected"] == 0
    lines = Commodity.objects.filter(level=10)
    assert lines.count() >= 20
    assert not lines.filter(sample=False).exists()
    assert not Measure.objects.filter(sample=False).exists()
    chapters = {c[:2] for c in lines.values_list("code", flat=True)}
    assert {"09", "22", "33", "61", "62", "64", "84", "85", "87"} <= chapters
    again = load_arancel(
        (DATA / "arancel_muestra.csv").open("rb"), "arancel_muestra.csv", sample=True
    )
    assert again.rows["inserted"] == again.rows["updated"] == 0


def test_commands(nomenclature, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "a.csv"
    path.write_text(
        HEADER
        + "0901.21.10.00,Café,KG,2023-09-01,,Res,20,,,,general,SI,,\n,,,,,,,,,,,,,\nx,,,,,,,,,,,,,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("load_arancel", str(path), "--sin-progreso", stdout=out)
    text = out.getvalue()
    assert "1 insertadas" in text and "1 rechazadas" in text and "fila 4" in text

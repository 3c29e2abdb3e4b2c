"""The Spanish titles of the nomenclature (titulos_es.csv) describe the HS, in Spanish.

No subheading carries another country's tariff texts (the Mexican TIGIE national lines:
"Café Veracruz", "empacadoras Tipo Inspección Federal", "Para calefacción de automóviles") nor
English left over ("Mules and hinnies; live"); every one is marked as an unofficial translation.
"""

from __future__ import annotations

import csv
import importlib.util
import re

import pytest

from ecuapass.tariff.services.loaders import DATA

TOOLS = DATA / "tools" / "make_titles.py"
# English words that Spanish titles never contain (Comtrade wording: "Horses; live, other than…").
ENGLISH = re.compile(
    r"\b(of|and|the|other than|n\.e\.c\.|live|fresh|chilled|frozen|whether|not|with|for|"
    r"excluding|including|containing|weighing|thereof)\b",
    re.IGNORECASE,
)


def _generator():
    spec = importlib.util.spec_from_file_location("make_titles", TOOLS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def titles() -> dict[str, dict]:
    with (DATA / "titulos_es.csv").open(encoding="utf-8") as fh:
        return {row["codigo"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def hs() -> dict[str, str]:
    with (DATA / "hs" / "harmonized-system.csv").open(encoding="utf-8-sig") as fh:
        return {r["hscode"]: r["description"] for r in csv.DictReader(fh)}


def test_every_hs_code_has_a_spanish_title_marked_unofficial(titles, hs):
    for code in hs:
        row = titles.get(code)
        assert row is not None and row["titulo"].strip(), f"{code} sin título en español"
        assert row["fuente"] in {"no_oficial", "derivado"}, code
    subheadings = [c for c in hs if len(c) == 6]
    assert len(subheadings) == 5612
    # The project wrote the subheadings whose text the corpus could only give per national line.
    assert sum(titles[c]["fuente"] == "no_oficial" for c in subheadings) >= 2800


def test_no_title_describes_another_countrys_tariff(titles):
    foreign = _generator().FOREIGN
    offending = {
        code: row["titulo"]
        for code, row in titles.items()
        if any(word in row["titulo"].lower() for word in foreign)
    }
    assert not offending, offending


def test_no_english_left_in_the_spanish_titles(titles):
    offending = {
        code: row["titulo"] for code, row in titles.items() if ENGLISH.search(row["titulo"])
    }
    assert not offending, list(offending.items())[:20]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("090121", "Café tostado, sin descafeinar"),
        ("851679", "Los demás aparatos electrotérmicos de uso doméstico"),
        ("010129", "Caballos vivos, excepto reproductores de raza pura"),
        ("010190", "Mulos y burdéganos, vivos"),
    ],
)
def test_the_reported_subheadings(titles, code, expected):
    assert titles[code]["titulo"] == expected
    assert titles[code]["fuente"] == "no_oficial"


def test_the_check_rejects_the_known_foreign_words():
    generator = _generator()
    for text in (
        "Café Veracruz; Café Chiapas; Café Pluma; En cápsulas",
        "Para abasto, cuando la importación la realicen empacadoras Tipo Inspección Federal",
        "Para calefacción de automóviles",
    ):
        assert generator.foreign(text), text
    assert not generator.foreign("Café tostado, sin descafeinar")
    assert ENGLISH.search("Mules and hinnies; live")


@pytest.mark.django_db
def test_the_node_page_says_the_title_is_an_unofficial_translation(client, nomenclature):
    from ecuapass.tariff.models import Commodity

    node = Commodity.objects.get(code="090121")
    assert node.description_es == "Café tostado, sin descafeinar"
    assert node.text_source == "no_oficial"
    html = client.get("/arancel/0901.21/").content.decode()
    assert "Café tostado, sin descafeinar" in html
    assert "traducción no oficial" in html.lower()

"""Search on the database the suite runs against (SQLite FTS5 or PostgreSQL tsvector)."""

import pytest

from ecuapass.tariff.services import search
from ecuapass.tariff.services.search import fts_query, normalize, stem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("word", ["cafe", "café", "cafés", "CAFE", "Cafés"])
def test_stemmer_folds_accents_case_and_plurals(word):
    assert stem(word) == "cafe"


def test_stemmer_plural_and_gender():
    assert stem("motores") == stem("motor")
    assert stem("tostados") == stem("tostada") == stem("tostado")
    assert stem("luces") == stem("luz")
    assert normalize("Café TOSTADO, en grano") == "cafe tostad en gran"
    assert fts_query('café "x') == '"cafe" AND "x"'
    assert fts_query("¿?") is None


@pytest.mark.parametrize("query", ["café", "CAFE", "cafés", "cafe", "Café tostado"])
def test_spanish_text_finds_coffee(tariff, query):
    results = search(query)
    codes = [h.commodity.code for h in results.hits]
    assert results.count >= 1
    assert any(c.startswith("0901") for c in codes), codes
    assert not results.by_code


def test_english_is_the_second_language(tariff):
    codes = [h.commodity.code for h in search("coffee").hits]
    assert any(c.startswith("0901") for c in codes)
    assert "8517130000" in [h.commodity.code for h in search("smartphones").hits]


@pytest.mark.parametrize("query", ["0901", "09.01", "0901.21", "090121"])
def test_digits_are_a_prefix_match(tariff, query):
    results = search(query)
    assert results.by_code
    assert results.hits
    prefix = query.replace(".", "")
    assert all(h.commodity.code.startswith(prefix) for h in results.hits)
    assert results.hits[0].commodity.code == prefix  # the node itself comes first


def test_results_carry_their_hierarchy_path_and_paginate(tariff, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        results = search("09", page=2, per_page=5)
        hits = results.hits
    assert results.page.number == 2
    assert results.count > 5
    line = search("0901.21.10.00").hits[0]
    assert [n.code for n in line.path] == ["09", "0901", "090121", "09012110"]
    assert line.section.roman == "II"
    assert hits


def test_no_match_and_empty_query(tariff):
    assert search("zzzxqw").count == 0
    assert search("").count == 0
    assert search("   ").count == 0


def test_search_index_follows_admin_edits(tariff):
    from ecuapass.tariff.models import Commodity

    line = Commodity.objects.get(code="8516790000")
    line.description_es = "Tostadoras de pan eléctricas"
    line.save()
    assert "8516790000" in [h.commodity.code for h in search("tostadoras").hits]

"""Numbers and dates as an Ecuadorian reads them (Spanish) and in the English forms."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from ecuapass.core import formatting as f


@pytest.mark.parametrize(
    ("lang", "amount", "pct", "qty"),
    [
        ("es", "47.860,00", "20,00 %", "1.234,500"),
        ("en", "47,860.00", "20.00%", "1,234.500"),
    ],
)
def test_amounts_percentages_quantities_per_language(lang, amount, pct, qty):
    with translation.override(lang):
        assert f.money(Decimal("47860")) == amount
        assert f.percent(Decimal("20")) == pct
        assert f.number(Decimal("1234.500")) == qty


def test_money_rounds_half_up_and_accepts_json_text():
    with translation.override("es"):
        assert f.money("1234567.005") == "1.234.567,01"
        assert f.money(Decimal("0.004")) == "0,00"
        assert f.money(Decimal("-0.001")) == "0,00"  # never "-0,00"
        assert f.money(Decimal("-1500.5")) == "-1.500,50"
        assert f.money(12) == "12,00"
        assert f.number(1234) == "1.234"
        assert f.number(Decimal("999")) == "999"
        assert f.percent("0.5") == "0,50 %"
        assert f.percent(12, 0) == "12 %"


def test_empty_and_foreign_values_never_break_a_page():
    with translation.override("es"):
        assert f.money(None) == ""
        assert f.money("") == ""
        assert f.money(None, empty="—") == "—"
        assert f.money("n/d") == "n/d"
        assert f.fecha(None) == ""
        assert f.fecha("no es fecha") == "no es fecha"


def test_dates_are_day_first_in_ecuador_time_in_both_languages():
    moment = dt.datetime(2026, 1, 5, 3, 4, 5, tzinfo=dt.UTC)  # 22:04:05 of the 4th in Quito
    for lang in ("es", "en"):
        with translation.override(lang):
            assert f.fecha(dt.date(2026, 1, 5)) == "05/01/2026"
            assert f.fecha("2024-03-01") == "01/03/2024"
            assert f.fecha(moment) == "04/01/2026"
            assert f.fecha_hora(moment) == "04/01/2026 22:04"
            assert f.fecha_hora(moment, seconds=True) == "04/01/2026 22:04:05"
            assert f.fecha_hora(moment.isoformat()) == "04/01/2026 22:04"
            assert f.hora(moment) == "22:04"
    assert timezone.is_aware(moment)


def test_template_filters_are_the_same_functions():
    template = Template(
        "{% load formato %}{{ a|money }}|{{ q|num }}|{{ q|num:1 }}|{{ p|pct }}|{{ p|pct:0 }}|"
        "{{ d|fecha }}|{{ m|fecha_hora:'s' }}|{{ none|money|default:'—' }}"
    )
    context = Context(
        {
            "a": Decimal("47860"),
            "q": Decimal("1234.56"),
            "p": "15",
            "d": dt.date(2026, 12, 6),
            "m": dt.datetime(2026, 12, 6, 15, 0, 1, tzinfo=dt.UTC),
            "none": None,
        }
    )
    with translation.override("es"):
        assert template.render(context) == (
            "47.860,00|1.234,56|1.234,6|15,00 %|15 %|06/12/2026|06/12/2026 10:00:01|—"
        )
    with translation.override("en"):
        assert template.render(context) == (
            "47,860.00|1,234.56|1,234.6|15.00%|15%|06/12/2026|06/12/2026 10:00:01|—"
        )


def test_negative_places_show_up_to_that_many_decimals():
    with translation.override("es"):
        assert f.percent(Decimal("5.0000"), -4) == "5 %"
        assert f.percent(Decimal("0.01250"), -4) == "0,0125 %"
        assert f.number(Decimal("1234.50"), -2) == "1.234,5"
        assert f.number(Decimal("100"), -2) == "100"

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


def test_a_moment_is_formatted_once_per_second_timezone_and_language(monkeypatch):
    """The texts are kept (issue 16) without ever reading another moment's, zone's or
    language's: the microseconds of one second share a text, the next second does not, the
    same instant in another zone reads that zone's wall time."""
    from django.test import override_settings

    calls = []
    real = f.formats.date_format

    def counting(*args, **kwargs):  # counts, then formats as always
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(f.formats, "date_format", counting)
    base = dt.datetime(2031, 7, 9, 15, 0, 1, tzinfo=dt.UTC)  # 10:00:01 in Quito
    with translation.override("es"):
        texts = {f.fecha_hora(base.replace(microsecond=ms), seconds=True) for ms in (1, 500, 999)}
        assert texts == {"09/07/2031 10:00:01"} and len(calls) == 1
        assert f.fecha_hora(base + dt.timedelta(seconds=1), seconds=True) == "09/07/2031 10:00:02"
        assert len(calls) == 2
        with timezone.override("Europe/Madrid"):
            assert f.fecha_hora(base, seconds=True) == "09/07/2031 17:00:01"
        assert f.fecha(dt.date(2031, 7, 9)) == "09/07/2031"
    with translation.override("en"):
        assert f.fecha_hora(base, seconds=True) == "09/07/2031 10:00:01"
        assert f._moment_text.cache_info().currsize > 0
        with override_settings(DATETIME_FORMAT="Y-m-d H:i:s"):  # a changed format: forgotten
            assert f._moment_text.cache_info().currsize == 0
            assert f._day_text.cache_info().currsize == 0
        assert f.fecha_hora(base, seconds=True) == "09/07/2031 10:00:01"


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

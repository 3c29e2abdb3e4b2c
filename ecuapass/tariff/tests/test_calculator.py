from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecuapass.tariff.services import AMOUNT_KEYS, ItemInput, TariffError, calculate, line_in_force

pytestmark = pytest.mark.django_db

WORKED = dict(fob=D("10000"), flete=D("1000"), seguro=D("100"))


def worked(on, **extra):
    return calculate(on, [ItemInput(None, tarifa_ad_valorem=D("20"), **WORKED, **extra)])


def test_worked_example_of_the_domain_brief(tariff):
    calc = worked(date(2024, 4, 1))
    item = calc.items[0]
    assert item.cif == D("11100.00")
    assert item.base_ad_valorem == D("10100.00")
    assert item.ad_valorem == D("2020.00")
    assert item.fodinfa == D("55.50")
    assert item.iva == D("1976.33")
    assert item.total_tributos == D("4051.83")
    assert item.overridden == ["ad_valorem"]
    data = calc.as_dict()
    assert data["items"][0]["total_tributos"] == "4051.83"
    assert data["totales"]["iva"] == "1976.33"
    assert data["items"][0]["especifico"] == "0.00"
    iva = next(f for f in data["items"][0]["fundamentos"] if f["tributo"] == "iva")
    assert iva["tarifa"] == "15.00" and iva["base"] == "13175.50"
    assert "Conflicto Armado" in iva["fundamento_legal"]
    assert iva["vigencia_desde"] == "2024-04-01"


def test_iva_is_12_percent_the_day_before_2024_04_01(tariff):
    item = worked(date(2024, 3, 31)).items[0]
    assert item.iva == D("1581.06")  # 12 % of 13,175.50
    assert item.total_tributos == D("3656.56")


def test_freight_is_in_the_ad_valorem_base_before_2021_11_29(tariff):
    before = worked(date(2021, 11, 28)).items[0]
    assert before.base_ad_valorem == D("11100.00")
    assert before.ad_valorem == D("2220.00")
    assert before.iva == D("1605.06")  # 12 % of 11,100 + 2,220 + 55.50
    after = worked(date(2021, 11, 29)).items[0]
    assert after.base_ad_valorem == D("10100.00")
    assert after.ad_valorem == D("2020.00")


def test_presumptive_insurance_is_a_dated_rule_on_fob(tariff):
    item = calculate(
        date(2024, 5, 2), [ItemInput(None, D("10000"), D("1000"), None, tarifa_ad_valorem=D("20"))]
    ).items[0]
    assert item.seguro == D("100.00")
    assert item.cif == D("11100.00")
    seguro = next(f for f in item.fundamentos if f["tributo"] == "seguro")
    assert seguro["tarifa"] == "1.00" and seguro["base"] == "10000.00"


def test_line_rates_specific_duty_and_sample_label(tariff):
    calc = calculate(
        date(2024, 5, 2),
        [ItemInput("6403.99.90.00", D("500"), D("50"), D("5"), cantidad=D("10"))],
    )
    item = calc.items[0]
    assert item.cif == D("555.00")
    assert item.base_ad_valorem == D("505.00")
    assert item.ad_valorem == D("50.50")
    assert item.especifico == D("60.00")  # USD 6 per pair × 10
    assert item.fodinfa == D("2.78")  # 2.775 half-up
    assert item.iva == D("100.24")  # 15 % of 668.28 = 100.242
    assert item.muestra
    av = next(f for f in item.fundamentos if f["tributo"] == "ad_valorem")
    assert av["muestra"] and av["etiqueta"] == "tarifa de muestra — no oficial"
    assert calc.as_dict()["aviso"] == "tarifa de muestra — no oficial"


def test_safeguard_of_2016_on_footwear(tariff):
    item = calculate(
        date(2016, 1, 15),
        [ItemInput("6403.99.90.00", D("500"), D("50"), D("5"), cantidad=D("10"))],
    ).items[0]
    assert item.base_ad_valorem == D("555.00")
    assert item.salvaguardia == D("138.75")  # 25 % of 555
    assert item.iva == D("97.44")  # 12 % of 555 + 55.50 + 60 + 138.75 + 2.78


def test_ice_on_whisky_and_iva_zero_on_rice(tariff):
    calc = calculate(
        date(2024, 6, 1),
        [
            ItemInput("2208.30.00.00", D("1000"), D("100"), D("10"), cantidad=D("12")),
            ItemInput("1006.30.00.00", D("1000"), D("100"), D("10")),
        ],
    )
    whisky, rice = calc.items
    # ICE = 75 % × (CIF 1110 + AV 101 + FODINFA 5.55) + 10.36 × 12
    assert whisky.ice == D("912.41") + D("124.32")
    assert rice.iva == D("0.00")
    assert calc.totales["total_tributos"] == whisky.total_tributos + rice.total_tributos


def test_ice_override_is_reported(tariff):
    item = calculate(
        date(2024, 6, 1),
        [ItemInput("8516.79.00.00", D("100"), D("10"), D("1"), tarifa_ice=D("10"))],
    ).items[0]
    assert item.overridden == ["ice"]
    assert item.ice == D("13.18")  # 10 % of (111 + 20.20 + 0.56 = 131.76) = 13.176


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        (ItemInput("9999.99.99.99", D("1"), D("1"), None), "subpartida", "no existe"),
        (ItemInput("0901.21", D("1"), D("1"), None), "subpartida", "10 dígitos"),
        (ItemInput(None, D("1"), D("1"), None), "subpartida", "tarifa ad valorem"),
        (ItemInput("0901.21.10.00", D("-1"), D("1"), None), "fob", "negativo"),
        (
            ItemInput("0901.21.10.00", D("1"), D("1"), None, cantidad=D("-2")),
            "cantidad",
            "negativo",
        ),
        (
            ItemInput(None, D("1"), D("1"), None, tarifa_ad_valorem=D("5000")),
            "tarifa_ad_valorem",
            "1000",
        ),
    ],
)
def test_bad_items_name_the_field(tariff, item, field, message):
    with pytest.raises(TariffError) as err:
        calculate(date(2024, 6, 1), [ItemInput("0901.21.10.00", D("1"), D("0"), None), item])
    assert err.value.index == 1
    assert err.value.field == field
    assert message in err.value.message
    assert err.value.as_fields() == {"items": {"1": {field: [err.value.message]}}}


def test_line_not_in_force_on_the_date(tariff):
    # The sample line 0901.21.10.00 starts on 2017-01-01.
    with pytest.raises(TariffError, match="no está vigente"):
        calculate(date(2016, 12, 31), [ItemInput("0901211000", D("1"), D("0"), None)])
    assert line_in_force("0901.21.10.00", date(2016, 12, 31)) is None
    assert line_in_force("0901.21.10.00", date(2017, 1, 1)).code == "0901211000"
    assert line_in_force("0901.21", date(2024, 1, 1)) is None


def test_history_gives_the_rate_of_the_date(tariff):
    old = calculate(date(2020, 1, 1), [ItemInput("0901.21.10.00", D("100"), D("0"), D("0"))])
    new = calculate(date(2024, 1, 1), [ItemInput("0901.21.10.00", D("100"), D("0"), D("0"))])
    assert old.items[0].ad_valorem == D("25.00")
    assert new.items[0].ad_valorem == D("20.00")


def test_no_rule_in_force_is_an_error_on_the_date(tariff):
    with pytest.raises(TariffError) as err:
        worked(date(1990, 1, 1))
    assert err.value.field == "fecha"


money = st.decimals(min_value=D("0"), max_value=D("1000000"), places=2, allow_nan=False)
codes = st.sampled_from(
    [None, "0901.21.10.00", "6403.99.90.00", "2208.30.00.00", "8703.23.90.00", "1006.30.00.00"]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(
        st.tuples(
            codes,
            money,
            money,
            st.one_of(st.none(), money),
            st.decimals(min_value=D("0"), max_value=D("500"), places=2),
        ),
        min_size=1,
        max_size=5,
    ),
    on=st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31)),
)
def test_totals_are_sums_of_rounded_items_and_never_negative(tariff, items, on):
    inputs = [
        ItemInput(
            code, fob, flete, seguro, cantidad=qty, tarifa_ad_valorem=None if code else D("12.5")
        )
        for code, fob, flete, seguro, qty in items
    ]
    try:
        calc = calculate(on, inputs)
    except TariffError as exc:
        assert "vigente" in exc.message  # lines before their start date
        return
    for key in AMOUNT_KEYS:
        assert calc.totales[key] == sum(getattr(i, key) for i in calc.items)
        for item in calc.items:
            value = getattr(item, key)
            assert value >= 0
            assert value == value.quantize(D("0.01"))
    for item in calc.items:
        assert item.total_tributos == (
            item.ad_valorem
            + item.especifico
            + item.salvaguardia
            + item.fodinfa
            + item.ice
            + item.iva
        )


def test_fundamentos_names_are_made_once_per_language_and_follow_the_active_one(
    tariff, monkeypatch
):
    """The names of the fundamentos are translated once per process and language (not per
    item, issue 16): the same text as the calculation in each language."""
    from django.utils import translation

    from ecuapass.tariff.models import TaxRule
    from ecuapass.tariff.services import calculator

    def names(language):
        with translation.override(language):
            fundamentos = worked(date(2024, 4, 1)).as_dict()["items"][0]["fundamentos"]
        return {f["tributo"]: f["nombre"] for f in fundamentos}

    calculator._labels.cache_clear()
    es, en = names("es"), names("en")
    with translation.override("es"):
        bases = {f"Base imponible del ad valorem: {label}" for label in TaxRule.Base.labels}
    assert es["ad_valorem"] == "Ad valorem" and es["base_ad_valorem"] in bases
    assert es["iva"].startswith("IVA (") and es["iva"] != en["iva"]
    assert en["base_ad_valorem"] != es["base_ad_valorem"]
    calls = []
    real = calculator._

    def counted(message):
        calls.append(message)
        return real(message)

    monkeypatch.setattr(calculator, "_", counted)
    assert names("es") == es and names("en") == en
    # no translation of a name per item once made (the simulation's own texts apart)
    assert [c for c in calls if not c.startswith("Simulación")] == [], calls

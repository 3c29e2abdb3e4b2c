import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecuapass.tariff.codes import CommodityCode, InvalidCommodityCode, looks_like_code


@pytest.mark.parametrize(
    ("text", "digits", "level", "dotted"),
    [
        ("8516.79.00.00", "8516790000", 10, "8516.79.00.00"),
        ("85167900", "85167900", 8, "8516.79.00"),
        ("851679", "851679", 6, "8516.79"),
        ("8516.79", "851679", 6, "8516.79"),
        ("8516", "8516", 4, "85.16"),
        ("85.16", "8516", 4, "85.16"),
        ("85", "85", 2, "85"),
        (" 0901 21 10 00 ", "0901211000", 10, "0901.21.10.00"),
        ("0901-21-10-00", "0901211000", 10, "0901.21.10.00"),
    ],
)
def test_parses_every_form_users_type(text, digits, level, dotted):
    code = CommodityCode.parse(text)
    assert code.digits == digits
    assert code.level == level
    assert code.dotted == dotted == str(code)


def test_parents_and_levels():
    code = CommodityCode.parse("8516.79.00.00")
    assert code.is_line
    assert code.chapter == "85"
    assert code.heading == "8516"
    assert code.subheading == "851679"
    assert code.nandina == "85167900"
    assert code.parent == CommodityCode("85167900")
    assert [a.digits for a in code.ancestors] == ["85", "8516", "851679", "85167900"]
    assert CommodityCode("85").parent is None
    assert CommodityCode("8516").is_ancestor_of(code)
    assert not code.is_ancestor_of(CommodityCode("8516"))
    assert str(code.level_name) == "subpartida nacional"


@pytest.mark.parametrize("text", ["", "abc", "123", "85167", "12345678901", "8516.7a", "café"])
def test_rejects_non_codes(text):
    with pytest.raises(InvalidCommodityCode):
        CommodityCode.parse(text)
    assert CommodityCode.try_parse(text) is None


def test_looks_like_code():
    assert looks_like_code("09.01")
    assert looks_like_code("0901")
    assert not looks_like_code("café")
    assert not looks_like_code("...")


@given(
    st.sampled_from([2, 4, 6, 8, 10]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    )
)
def test_dotted_round_trip(digits):
    code = CommodityCode(digits)
    assert CommodityCode.parse(code.dotted) == code
    assert code.dotted.replace(".", "") == digits

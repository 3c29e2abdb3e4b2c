import pytest
from django.core.exceptions import ValidationError

from ecuapass.core.identity import validate_cedula, validate_ruc, validate_ruc_or_cedula


@pytest.mark.parametrize("number", ["0926687856", "1710034065"])
def test_valid_cedulas(number):
    assert validate_cedula(number).number == number


@pytest.mark.parametrize("number", ["0926687857", "2526687856", "092668785", "09266878a6"])
def test_invalid_cedulas(number):
    with pytest.raises(ValidationError):
        validate_cedula(number)


@pytest.mark.parametrize(
    "number,kind",
    [
        ("0926687856001", "ruc_natural"),
        ("1792060346001", "ruc_sociedad"),
        ("1760001550001", "ruc_publico"),
    ],
)
def test_valid_rucs_without_warning(number, kind):
    result = validate_ruc(number)
    assert result.kind == kind
    assert result.warnings == []


@pytest.mark.parametrize("number", ["1793213150001", "0993366721001"])
def test_company_ruc_with_bad_check_digit_is_accepted_with_warning(number):
    result = validate_ruc(number)
    assert result.kind == "ruc_sociedad"
    assert len(result.warnings) == 1
    assert number in result.warnings[0]


@pytest.mark.parametrize(
    "number,code",
    [
        ("179206034601", "length"),
        ("1763154690001", "checksum"),
        ("2926687856001", "province"),
        ("0926687856000", "establishment"),
        ("1782060346001", "third_digit"),
        ("17920603460AB", "format"),
    ],
)
def test_invalid_rucs(number, code):
    with pytest.raises(ValidationError) as exc:
        validate_ruc(number)
    assert exc.value.code == code


def test_ruc_or_cedula_dispatches_on_length_and_ignores_separators():
    assert validate_ruc_or_cedula("1710034065").kind == "cedula"
    assert validate_ruc_or_cedula("1792060346-001").number == "1792060346001"

import pytest
from django.core.management import call_command

from ecuapass.core.models import Country, Currency, CustomsDistrict, Incoterm, OceType


@pytest.mark.django_db
def test_reference_data_loads_and_is_idempotent():
    call_command("load_reference_data", verbosity=0)
    counts = (
        OceType.objects.count(),
        CustomsDistrict.objects.count(),
        Country.objects.count(),
        Currency.objects.count(),
        Incoterm.objects.count(),
    )
    assert CustomsDistrict.objects.count() == 14
    assert Incoterm.objects.count() == 11
    assert OceType.objects.get(code="16").name == "Importador/Exportador"
    assert Country.objects.get(code="EC").name == "Ecuador"
    assert Country.objects.get(code="DE").name == "Alemania"
    assert Currency.objects.get(code="USD").active
    call_command("load_reference_data", verbosity=0)
    assert counts == (
        OceType.objects.count(),
        CustomsDistrict.objects.count(),
        Country.objects.count(),
        Currency.objects.count(),
        Incoterm.objects.count(),
    )


@pytest.mark.django_db
def test_reference_data_restores_edited_names_but_keeps_active_flag():
    call_command("load_reference_data", verbosity=0)
    district = CustomsDistrict.objects.get(code="028")
    district.name = "cambiado"
    district.active = False
    district.save()
    call_command("load_reference_data", verbosity=0)
    district.refresh_from_db()
    assert district.name == "Guayaquil Marítimo"
    assert district.active is False


def test_district_codes_sum_to_ten():
    import csv
    from pathlib import Path

    import ecuapass.core

    path = Path(ecuapass.core.__file__).parent / "data" / "districts.csv"
    for row in csv.DictReader(path.open(encoding="utf-8")):
        assert sum(int(d) for d in row["code"]) == 10, row

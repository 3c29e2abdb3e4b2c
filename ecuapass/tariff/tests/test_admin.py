import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecuapass.officers.tests.factories import login_verified
from ecuapass.tariff.models import Commodity

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        login_key="1790012345001:admintariff", password="x-secure-pass-1"
    )
    return login_verified(client, user)


def test_admin_upload_reports_rows(staff_client, nomenclature):
    body = (
        "codigo,descripcion,unidad,vigencia_desde,base_legal,ad_valorem\n"
        "0901.21.10.00,Café en grano,KG,2023-09-01,Resolución COMEX 1,20\n"
        "0901.21,Café,KG,2023-09-01,Resolución COMEX 1,20\n"
    )
    url = reverse("admin:tariff_commodity_upload")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"archivo": SimpleUploadedFile("a.csv", body.encode())})
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 insertadas" in text and "1 rechazadas" in text
    assert "10 dígitos" in text
    assert Commodity.objects.filter(code="0901211000").exists()
    bad = staff_client.post(url, {"archivo": SimpleUploadedFile("a.pdf", b"x")})
    assert "csv o .xlsx" in bad.content.decode()


def test_admin_lists_and_edits_lines(staff_client, tariff):
    changelist = reverse("admin:tariff_commodity_changelist")
    response = staff_client.get(changelist, {"q": "0901.21"})
    assert response.status_code == 200
    assert "0901.21.10.00" in response.content.decode()
    line = Commodity.objects.get(code="0901211000")
    response = staff_client.get(reverse("admin:tariff_commodity_change", args=[line.pk]))
    assert response.status_code == 200
    assert (
        "Resolución" in response.content.decode()
        or "Arancel de muestra" in response.content.decode()
    )
    assert staff_client.get(reverse("admin:tariff_measure_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:tariff_taxrule_changelist")).status_code == 200


def test_admin_upload_requires_staff(client):
    response = client.get(reverse("admin:tariff_commodity_upload"))
    assert response.status_code == 302

"""The back office cannot edit or delete a sent DAI, its items or its liquidación."""

from __future__ import annotations

import pytest

from ecuapass.customs.models import Dai
from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    from ecuapass.officers.tests.factories import login_verified

    user = django_user_model.objects.create_superuser("0968562020001:admin-prueba", "x")
    return login_verified(client, user)


def _sent_dai(world):
    from ecuapass.customs.serializers import DaiSerializer
    from ecuapass.edocs import registry
    from tests.support.world import dai_payload

    payload = dai_payload()
    serializer = DaiSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    edoc = services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=world.importer.user,
        oce=world.importer.oce,
        channel="S",
    ).envio.document
    return Dai.objects.get(edoc=edoc)


def test_admin_rules_refuse_changing_a_sent_dai(world, rf):
    from django.contrib.admin.sites import site

    dai = _sent_dai(world)
    request = rf.get("/")
    request.user = type("U", (), {"is_active": True, "is_staff": True, "is_superuser": True})()
    request.user.has_perm = lambda *a, **k: True
    for model, obj in ((Dai, dai), (EDocument, dai.edoc)):
        model_admin = site._registry[model]
        assert not model_admin.has_change_permission(request, obj)
        assert not model_admin.has_delete_permission(request, obj)
    liq_admin = site._registry[type(dai.liquidacion)]
    assert not liq_admin.has_change_permission(request, dai.liquidacion)
    # A draft stays editable.
    draft = services.copy_as_draft(dai.edoc, oce=world.importer.oce, user=world.importer.user)
    assert site._registry[Dai].has_change_permission(request, Dai.objects.get(edoc=draft))


def test_posting_to_a_sent_dais_admin_page_changes_nothing(world, superuser_client):
    dai = _sent_dai(world)
    url = f"/backoffice/customs/dai/{dai.pk}/change/"
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    superuser_client.post(url, {"factura_numero": "CAMBIADA"})
    dai.refresh_from_db()
    assert dai.factura_numero != "CAMBIADA"

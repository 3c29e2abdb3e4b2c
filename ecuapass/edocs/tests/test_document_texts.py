"""The document page reads as a broker expects: "Medio de envío", right plurals, Ecuadorian
amounts, and no internal remarks."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db

INTERNAL = ("verificar con SENAE", "dato inferido", "verify with SENAE")


def send(party, payload):
    s = DaiSerializer(data=payload)
    assert s.is_valid(), s.errors
    return services.submit_payload(
        registry.get("DAI"),
        s.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document


def test_medio_de_envio_and_one_error_in_the_singular(oce_client, world):
    edoc = send(world.importer, dai_payload(invoice="INV-1", distrito="999"))
    services.process(edoc.pk)
    assert edoc.errors.count() == 1
    client = oce_client(world.importer)
    html = client.get(f"/edocs/documento/{edoc.pk}/").content.decode()
    assert re.search(r"<dt>Medio de envío</dt><dd[^>]*>Software del OCE", html)
    assert "<dt>Canal</dt>" not in html
    assert "1 error" in html and "1 errores" not in html
    with translation.override("en"):
        assert services._errors(1) == "1 error" and services._errors(3) == "3 errors"


def test_accepted_dai_page_shows_ecuadorian_amounts_and_no_internal_remark(oce_client, world):
    edoc = send(world.importer, dai_payload(invoice="INV-2"))
    services.process(edoc.pk)
    edoc.refresh_from_db()
    assert edoc.document_number
    client = oce_client(world.importer)
    html = client.get(f"/edocs/documento/{edoc.pk}/").content.decode()
    for remark in INTERNAL:
        assert remark not in html
    total = edoc.content.liquidacion.total_tributos
    assert total >= 1000  # the sample DAI: laptops, coffee and shoes
    whole, cents = f"{total:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".") + "," + cents
    assert grouped in html  # 1.234,56: thousands with a point, decimals with a comma
    client.cookies["django_language"] = "en"
    html = client.get(f"/edocs/documento/{edoc.pk}/").content.decode()
    assert f"{total:,.2f}" in html

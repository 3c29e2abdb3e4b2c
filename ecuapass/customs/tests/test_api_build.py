"""The API's DAI build (issue 16): the item serializer's mapped fields, the liquidated rows
reused without copies, the importer filing for itself found without a query."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ecuapass.accounts.models import OceCode
from ecuapass.customs.models import DaiItem, Liquidacion
from ecuapass.customs.serializers import DaiSerializer, ItemSerializer
from ecuapass.customs.services import build_dai
from ecuapass.edocs.models import EDocument
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db


def _validated(**over):
    s = DaiSerializer(data=dai_payload(**over))
    assert s.is_valid(), s.errors
    return s.validated_data


def _edoc(party):
    oce = OceCode.objects.select_related("registration__operator").get(pk=party.oce.pk)
    return EDocument.objects.create(
        doc_type="DAI", operation="importacion", title="DAI", filer_oce=oce
    )


def test_each_item_serializer_gets_its_own_fields_and_errors_name_the_field():
    a, b = ItemSerializer(), ItemSerializer()
    assert set(a.fields) == set(b.fields)
    assert all(a.fields[name] is not b.fields[name] for name in a.fields)
    assert a.fields["fob"].parent is a and b.fields["fob"].parent is b
    payload = dai_payload()
    payload["items"][1]["pais_origen"] = "C"
    payload["items"][0]["subpartida"] = "12"
    s = DaiSerializer(data=payload)
    assert not s.is_valid()
    assert "pais_origen" in s.errors["items"][1] and "subpartida" in s.errors["items"][0]


def test_the_importer_filing_for_itself_is_found_without_a_query(world):
    data = _validated()
    edoc = _edoc(world.importer)
    with CaptureQueriesContext(connection) as queries:
        dai = build_dai(edoc, data)
    assert dai.importador == world.importer.operator
    assert not [q for q in queries.captured_queries if "accounts_operator" in q["sql"]]


def test_a_retried_build_inserts_the_liquidated_rows_anew(world):
    data = _validated()
    with pytest.raises(RuntimeError), transaction.atomic():
        build_dai(_edoc(world.importer), data)
        raise RuntimeError("a transient conflict: the transaction runs again")
    dai = build_dai(_edoc(world.importer), data)
    assert DaiItem.objects.filter(dai=dai).count() == 3
    assert Liquidacion.objects.get(dai=dai).total_tributos > 0
    # A second document from the same validated data gets rows of its own.
    other = build_dai(_edoc(world.importer), data)
    assert DaiItem.objects.filter(dai=other).count() == 3
    assert DaiItem.objects.count() == 6

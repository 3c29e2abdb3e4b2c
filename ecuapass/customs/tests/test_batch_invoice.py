"""Issue 16: DAI-304 (duplicate invoice) in a worker's batch — one look-up for the batch's
invoices, the same outcomes as a look-up per document."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.edocs import services
from ecuapass.edocs.models import DocumentError
from ecuapass.edocs.tests.test_batch import send

pytestmark = pytest.mark.django_db

# The batch's look-up (UPPER) and one document's (iexact: UPPER on PostgreSQL, LIKE on SQLite).
INVOICE_LOOKUP = (
    r'FROM "customs_dai" .*(UPPER\("customs_dai"."factura_numero|"factura_numero" LIKE)'
)


def _process(first, limit=20):
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(first.pk, limit=limit)
    lookups = [q["sql"] for q in captured.captured_queries if re.search(INVOICE_LOOKUP, q["sql"])]
    return outcomes, lookups


def _codes(doc) -> set[str]:
    return set(DocumentError.objects.filter(document=doc).values_list("code", flat=True))


def test_a_batch_of_distinct_invoices_looks_them_up_once(world):
    docs = [send(world, f"UNICA-{i}") for i in range(6)]
    outcomes, lookups = _process(docs[0])
    assert set(outcomes.values()) == {"aceptado"} and len(outcomes) == 6
    assert len(lookups) == 1, lookups


def test_an_invoice_declared_before_the_batch_is_rejected_in_it(world):
    earlier = send(world, "ANTES-1")
    assert services.process_batch(earlier.pk) == {earlier.pk: "aceptado"}
    docs = [send(world, "otra-1"), send(world, "antes-1"), send(world, "OTRA-2")]
    outcomes, lookups = _process(docs[0])
    assert outcomes == {docs[0].pk: "aceptado", docs[1].pk: "rechazado", docs[2].pk: "aceptado"}
    assert _codes(docs[1]) == {"DAI-304"}
    (error,) = DocumentError.objects.filter(document=docs[1])
    assert earlier.numero_entrega in error.message
    assert len(lookups) == 2  # the batch's, then the duplicate's own (its message names the other)


def test_an_invoice_rejected_or_annulled_before_is_free(world):
    rejected = send(world, "LIBRE-1", distrito="999")
    assert services.process_batch(rejected.pk)[rejected.pk] in ("error", "rechazado")
    docs = [send(world, "libre-1"), send(world, "LIBRE-2")]
    outcomes, lookups = _process(docs[0])
    assert set(outcomes.values()) == {"aceptado"}
    assert len(lookups) == 1


def test_two_dais_of_one_batch_with_the_same_invoice_as_one_at_a_time(world):
    """The twins are each looked up on their own, as outside a batch: the first meets the
    second registered (rejected); the second, next, meets the first rejected (accepted)."""
    alone = [send(world, "PAR-1"), send(world, "par-1")]
    outcomes = {}
    for doc in alone:
        outcomes[doc.pk] = services.process(doc.pk)
    assert list(outcomes.values()) == ["rechazado", "aceptado"]

    twins = [send(world, "GEMELA-9"), send(world, "OTRA-9"), send(world, "gemela-9")]
    outcomes, lookups = _process(twins[0])
    assert [outcomes[d.pk] for d in twins] == ["rechazado", "aceptado", "aceptado"]
    assert _codes(twins[0]) == {"DAI-304"}
    (error,) = DocumentError.objects.filter(document=twins[0])
    assert twins[2].numero_entrega in error.message
    assert len(lookups) == 3  # the batch's, then each twin's own


def test_a_twin_rolled_back_in_the_batch_still_declares_its_invoice(world, monkeypatch):
    """The first twin fails after its rules and is rolled back (still registered): the second
    meets it and is rejected, as it would be processed alone."""
    from ecuapass.edocs import notices

    twins = [send(world, "ROTA-1"), send(world, "OTRA-1"), send(world, "rota-1")]
    real = notices.notify_outcome

    def notify_outcome(edoc, errors):
        if edoc.pk == twins[0].pk:
            raise RuntimeError("fails after its rules")
        real(edoc, errors)

    monkeypatch.setattr(notices, "notify_outcome", notify_outcome)
    outcomes, _lookups = _process(twins[1])  # the batch's own document first, then the twins
    assert [outcomes[d.pk] for d in twins] == ["failed", "aceptado", "rechazado"]
    assert _codes(twins[2]) == {"DAI-304"}
    (error,) = DocumentError.objects.filter(document=twins[2])
    assert twins[0].numero_entrega in error.message


def test_the_batchs_invoice_look_up_can_use_the_index(world):
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    docs = [send(world, f"IDX-{i}") for i in range(3)]
    _outcomes, (lookup,) = _process(docs[0])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + lookup)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "dai_importer_invoice_ci" in plan, plan


def test_the_batchs_look_up_never_joins_the_documents_table(world):
    """The declaring states are read apart, by key: joined in the look-up, PostgreSQL merged a
    batch's few DAIs with the whole e-doc table walked in key order (345 ms per batch at
    1,000,000 documents, statistics taken before the batch's DAIs existed)."""
    docs = [send(world, f"APARTE-{i}") for i in range(3)]
    _outcomes, lookups = _process(docs[0])
    assert len(lookups) == 1
    assert '"edocs_edocument"' not in lookups[0], lookups[0]

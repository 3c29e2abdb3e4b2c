"""Issue 16: the automatic cierre of a DAI accepted in a worker's batch — its liquidación just
issued holds the goods, without a look-up of the DAI's obligations; the levante waits for the
payment as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.tests.test_batch import send
from ecuapass.obligaciones import levante
from ecuapass.obligaciones.models import Obligation
from ecuapass.obligaciones.services import pay

pytestmark = pytest.mark.django_db

COVERAGE_LOOKUP = 'FROM "obligaciones_obligation" WHERE ("obligaciones_obligation"."edoc_id"'


def test_the_automatic_cierre_does_not_look_up_what_its_liquidacion_holds(world):
    docs = [send(world, f"CIERRE-{i}") for i in range(3)]
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(docs[0].pk, limit=10)
    assert set(outcomes.values()) == {"aceptado"}
    assert [q["sql"] for q in captured.captured_queries if COVERAGE_LOOKUP in q["sql"]] == []
    for doc in docs:
        doc = EDocument.objects.get(pk=doc.pk)
        assert doc.estado_documento in levante.AFORO_CERRADO  # held by its liquidación
        (obligation,) = Obligation.objects.filter(edoc=doc)
        assert obligation.state == Obligation.State.PENDIENTE and not levante.is_covered(doc)
    # Paid, the levante follows as before.
    obligation = Obligation.objects.get(edoc=docs[0])
    pay(obligation, amount=obligation.amount, collector="BANCO", reference="REF-1")
    assert EDocument.objects.get(pk=docs[0].pk).estado_documento == levante.SALIDA_AUTORIZADA


def test_an_obligations_components_are_one_insert_of_values(ledger_world):
    """Issue 16: a few components go as one INSERT … VALUES (core.db.insert), not
    as arrays to unnest; they are written the same."""
    from decimal import Decimal

    from ecuapass.obligaciones.models import Concept
    from ecuapass.obligaciones.services import issue_obligation

    lines = [("AD-VALOREM", "10.00"), ("FODINFA", "0.50"), ("IVA", "12.34")]
    with CaptureQueriesContext(connection) as captured:
        obligation = issue_obligation(
            "0991003002001", Concept.LIQUIDACION, lines, source="prueba:1", distrito="028"
        )
    inserts = [q["sql"] for q in captured.captured_queries if "obligaciones_component" in q["sql"]]
    assert len(inserts) == 1 and "UNNEST" not in inserts[0].upper(), inserts
    rows = list(obligation.components.order_by("pk").values_list("code", "amount"))
    assert rows == [(code, Decimal(amount)) for code, amount in lines]
    assert all(c.legal_basis for c in obligation.components.all())
    assert obligation.amount == Decimal("22.84")

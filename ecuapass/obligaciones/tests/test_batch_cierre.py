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

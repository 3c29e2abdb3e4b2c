"""Issue 16: in a worker's batch the técnicos' loads are read once, and the batch assigns the
aforo cases exactly as processing the DAIs one by one would."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.despacho import services as despacho
from ecuapass.despacho.models import AforoCase
from ecuapass.edocs import services
from ecuapass.edocs.tests.test_batch import send

pytestmark = pytest.mark.django_db


def _tecnicos(docs) -> list:
    cases = {c.edoc_id: c.tecnico for c in AforoCase.objects.select_related("tecnico")}
    return [cases.get(d.pk) for d in docs]


def test_a_batch_alternates_the_tecnicos_like_one_by_one_processing(world, officers):
    with despacho.canal_decided("documental"):
        alone = [send(world, f"UNO-{i}") for i in range(3)]
        for doc in alone:
            services.process(doc.pk)
        together = [send(world, f"LOTE-{i}") for i in range(4)]
        with CaptureQueriesContext(connection) as captured:
            outcomes = services.process_batch(together[0].pk, limit=4)
    assert set(outcomes.values()) == {"aceptado"}
    # One by one: aforador1, aforador2, aforador1 — so the batch starts with aforador2.
    assert _tecnicos(alone) == [officers.tecnico, officers.tecnico2, officers.tecnico]
    assert _tecnicos(together) == [
        officers.tecnico2,
        officers.tecnico,
        officers.tecnico2,
        officers.tecnico,
    ]
    loads = [q["sql"] for q in captured.captured_queries if "despacho_aforocase" in q["sql"]]
    counted = [sql for sql in loads if "COUNT(" in sql.upper()]
    assert len(counted) == 1, counted  # the técnicos' open cases, once for the batch
    # The case is created with its técnico: no UPDATE to assign it.
    assert not [q for q in loads if q.startswith('UPDATE "despacho_aforocase"')]


def test_a_document_rolled_back_gives_its_tecnico_back(world, officers, monkeypatch):
    """The second DAI's case went to aforador2, then the DAI failed and was rolled back: the
    next one of the batch gets aforador2, as if the failed one had never been there."""
    failing = set()
    event = despacho._event

    def failing_for_one(case, kind, *args, **kwargs):  # every attempt of the batch
        if case.edoc_id in failing:
            raise RuntimeError("the despacho could not record its event")
        return event(case, kind, *args, **kwargs)

    monkeypatch.setattr(despacho, "_event", failing_for_one)
    with despacho.canal_decided("documental"):
        docs = [send(world, f"FALLA-{i}") for i in range(4)]
        failing.add(docs[1].pk)
        services.process_batch(docs[0].pk, limit=4)
    assigned = _tecnicos(docs)
    kept = [t for t in assigned if t is not None]
    assert kept == [officers.tecnico, officers.tecnico2, officers.tecnico], assigned

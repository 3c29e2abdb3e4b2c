"""Issue 16: what the despacho costs a worker's batch after acceptance (canal, case, técnico,
event), the rows it writes unchanged — with the motor de riesgo choosing the canal, as in a run
(every DAI to the documental canal, so each opens a case and assigns it)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.despacho.models import AforoCase, AforoEvent
from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.states import CanalAforo
from ecuapass.edocs.tests.test_batch import send
from ecuapass.risk import services as risk
from ecuapass.risk.models import CanalAssignment
from ecuapass.risk.tests.helpers import approved_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def documental(officers):
    """Two profiles in force: every DAI to the documental canal, and a 5 % draw."""
    approved_profile(CanalAforo.DOCUMENTAL, priority=10)
    approved_profile(CanalAforo.ELECTRONICO, pct="5", priority=90)
    return officers


def _batch(world, prefix: str, n: int) -> tuple[list, list[str]]:
    docs = [send(world, f"{prefix}-{i}") for i in range(n)]
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(docs[0].pk, limit=n)
    assert set(outcomes.values()) == {"aceptado"}, outcomes
    return docs, [q["sql"] for q in captured.captured_queries]


def _raise_after(monkeypatch, owner, name: str, pk: int) -> None:
    """``owner.name(edoc)`` does its work, then raises for the document ``pk``."""
    real = getattr(owner, name)

    def raising(edoc, *args, **kwargs):
        done = real(edoc, *args, **kwargs)
        if edoc.pk == pk:
            raise RuntimeError(f"{name} failed after its work")
        return done

    monkeypatch.setattr(owner, name, raising)


def _hits(queries: list[str], pattern: str) -> list[str]:
    return [sql for sql in queries if re.search(pattern, sql)]


def test_a_batch_reads_its_tecnicos_in_one_query(world, documental):
    docs, queries = _batch(world, "T", 4)
    # One SELECT of the técnicos with their loads; no roles or distritos read for them.
    assert len(_hits(queries, r'^SELECT .*FROM "officers_officer"')) == 1
    assert not _hits(queries, r'FROM "officers_officerrole"')
    assert not _hits(queries, r'FROM "officers_officer_distritos"')
    cases = {c.edoc_id: c for c in AforoCase.objects.select_related("tecnico__user")}
    tecnicos = [cases[d.pk].tecnico for d in docs]
    assert tecnicos == [documental.tecnico, documental.tecnico2] * 2
    # The event names the técnico as before (full name and ID Usuario).
    for doc in docs:
        user = cases[doc.pk].tecnico.user
        event = AforoEvent.objects.get(case=cases[doc.pk])
        assert event.text == f"Asignado a {user.get_full_name()} ({user.username})."


def test_each_assignment_stores_its_own_snapshot_of_the_profiles(world, documental):
    docs, _queries = _batch(world, "P", 3)
    stored = [CanalAssignment.objects.get(edoc=d) for d in docs]
    rules, snapshot = risk._rules_in_force(risk.acceptance_date(docs[0]))
    for assignment in stored:
        assert assignment.canal == CanalAforo.DOCUMENTAL
        assert assignment.profiles == snapshot
        assert risk.reproduces(assignment)


def test_a_batch_writes_its_events_and_components_in_one_insert_each(world, documental):
    from ecuapass.obligaciones.models import Obligation

    docs, queries = _batch(world, "E", 4)
    assert len(_hits(queries, r'^INSERT INTO "despacho_aforoevent"')) == 1
    assert len(_hits(queries, r'^INSERT INTO "obligaciones_component"')) == 1
    events = list(AforoEvent.objects.order_by("pk").select_related("case"))
    assert [e.case.edoc_id for e in events] == [d.pk for d in docs]  # in the batch's order
    assert {(e.kind, e.by_role, e.by_user_id, e.ip) for e in events} == {
        ("asignado", "process", None, None)
    }
    for doc in docs:
        obligation = Obligation.objects.get(edoc=doc)
        lines = list(obligation.components.values_list("code", "amount"))
        assert lines and sum(amount for _code, amount in lines) == obligation.amount


def test_a_document_rolled_back_leaves_no_event_or_component(world, documental, monkeypatch):
    """The second DAI fails after its despacho opened (rolled back with its savepoint): its
    held event and components go with it; a despacho that fails after its event was held
    (rolled back to despachar_aceptado's savepoint) loses its event, the DAI stays accepted."""
    from ecuapass.despacho import services as despacho
    from ecuapass.edocs import registry
    from ecuapass.obligaciones.models import Component, Obligation

    docs = [send(world, f"R-{i}") for i in range(4)]
    _raise_after(monkeypatch, registry.get("DAI"), "after_acceptance", docs[1].pk)
    real_count, real_open = despacho._count_assigned, despacho._open
    opening = []

    def tracking_open(edoc, canal):
        opening.append(edoc.pk)
        return real_open(edoc, canal)

    def count_assigned(distrito, tecnico):
        if opening[-1] == docs[2].pk:  # docs[2]'s despacho, after its event, in every attempt
            raise RuntimeError("the despacho fails after its event")
        real_count(distrito, tecnico)

    monkeypatch.setattr(despacho, "_open", tracking_open)
    monkeypatch.setattr(despacho, "_count_assigned", count_assigned)
    outcomes = services.process_batch(docs[0].pk, limit=4)
    assert [outcomes[d.pk] for d in docs] == ["aceptado", "failed", "aceptado", "aceptado"]
    with_events = set(AforoEvent.objects.values_list("case__edoc_id", flat=True))
    assert with_events == {docs[0].pk, docs[3].pk}
    assert set(AforoCase.objects.values_list("edoc_id", flat=True)) == with_events
    owed = set(Component.objects.values_list("obligation__edoc_id", flat=True))
    assert owed == {docs[0].pk, docs[2].pk, docs[3].pk}
    assert not Obligation.objects.filter(edoc=docs[1]).exists()
    kept = EDocument.objects.get(pk=docs[2].pk)
    assert (kept.estado_documento, kept.canal_aforo) == ("aceptado", "")


# What each accepted DAI costs the worker when the motor de riesgo sends it to an aforo, read
# from the difference between two batches: its UPDATE, its obligation and its case — 3 (7 with
# the savepoints of the document and of its despacho, which a batch without failures no longer
# opens; 11 before its canal assignment, its case's event and its obligation's components were
# written with the batch's others).
PER_DOCUMENT = 3


def test_a_documental_dai_costs_a_small_constant_of_statements(world, documental):
    _batch(world, "WARM", 1)  # first-use look-ups of the process (content types…)
    _docs, small = _batch(world, "S", 2)
    _docs, large = _batch(world, "L", 7)
    per_document = (len(large) - len(small)) / 5
    assert per_document <= PER_DOCUMENT


def test_a_batch_inserts_its_canal_assignments_together(world, documental):
    docs, queries = _batch(world, "C", 4)
    assert len(_hits(queries, r'^INSERT INTO "risk_canalassignment"')) == 1
    assert sorted(CanalAssignment.objects.values_list("edoc_id", flat=True)) == sorted(
        d.pk for d in docs
    )


def test_a_second_assignment_in_a_batch_returns_the_held_one_unless_rolled_back(world):
    from django.db import transaction

    from ecuapass.edocs import batch
    from ecuapass.risk.tests.helpers import accepted_dai

    approved_profile(CanalAforo.DOCUMENTAL, pct="50")
    first, second = accepted_dai(world.importer), accepted_dai(world.importer)
    with batch.scope(), transaction.atomic():
        batch.hold([first, second])
        one = risk.assign_canal(first)
        assert one.pk is None  # held for the batch's end
        assert risk.assign_canal(first) is one
        try:
            with transaction.atomic():
                dropped = risk.assign_canal(second)
                raise RuntimeError("the despacho fails")
        except RuntimeError:
            pass
        again = risk.assign_canal(second)
        assert again is not dropped
        batch.end()
    rows = CanalAssignment.objects.order_by("edoc_id")
    assert [(a.edoc_id, a.seed) for a in rows] == [(first.pk, one.seed), (second.pk, again.seed)]


def test_the_tecnicos_query_is_built_once_and_run_by_every_batch(world, documental, monkeypatch):
    from ecuapass.officers import services as officers

    built = []
    real = officers.officers_for
    monkeypatch.setattr(officers, "officers_for", lambda *a: built.append(a) or real(*a))
    first, queries = _batch(world, "Q1", 3)
    second, again = _batch(world, "Q2", 2)
    assert len(built) <= 1  # the query, once per process and distrito (maybe by an earlier test)
    for run in (queries, again):  # its rows, read by every batch
        assert len(_hits(run, r'^SELECT .*FROM "officers_officer"')) == 1
    cases = {c.edoc_id: c.tecnico for c in AforoCase.objects.all()}
    # The second batch starts from the loads the first left: aforador1 2 cases, aforador2 1.
    t1, t2 = documental.tecnico, documental.tecnico2
    assert [cases[d.pk] for d in first + second] == [t1, t2, t1, t2, t1]

"""1.3's capped count kept per (scope, filters) under the scope's version (ADR 0013 addendum).

Every write of a document through the ORM bumps the version of its filer's código de OCE and
of its party's operator after the commit: the next 1.3 of either counts afresh. Inside the
writing transaction 1.3 counts without the cache.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecuapass.edocs.models import EDocument, count_version_key
from ecuapass.portal import fragments

pytestmark = pytest.mark.django_db


def _doc(filer, party_operator, i, state="registrado"):
    return EDocument.objects.create(
        doc_type="DAI",
        operation="importacion",
        title="DAI",
        filer_oce=filer,
        party_operator=party_operator,
        numero_entrega=f"{filer.code}2026{i:08d}S",
        channel="S",
        sent_on=timezone.now() - timedelta(minutes=i),
        estado_transmision="recibido",
        estado_documento=state,
    )


def _get(client, params=None, *, page_kept=False):
    """(the count shown, the COUNT queries the request ran); the whole page rendered afresh
    (not taken from the kept pages) unless ``page_kept``."""
    if not page_kept:
        fragments.pages.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/edocs/estados/", params or {})
    assert response.status_code == 200
    counts = [q for q in ctx.captured_queries if "COUNT(" in q["sql"] and "edocs_" in q["sql"]]
    shown = re.search(r"Resultado: (\d+)", response.content.decode())
    return int(shown.group(1)), len(counts)


def _edocs_reads(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/edocs/estados/", params or {})
    assert response.status_code == 200
    return response.content.decode(), [
        q["sql"] for q in ctx.captured_queries if "edocs_edocument" in q["sql"]
    ]


@pytest.fixture
def importer_docs(world, django_capture_on_commit_callbacks):
    oce = world.importer.oce
    with django_capture_on_commit_callbacks(execute=True):
        docs = [_doc(oce, oce.registration.operator, i) for i in range(3)]
    return docs


def test_steady_1_3_reads_the_count_from_the_cache(oce_client, world, importer_docs):
    client = oce_client(world.importer)
    assert _get(client) == (3, 1)
    assert _get(client) == (3, 0)
    assert _get(client, {"estado": "registrado"}) == (3, 1)
    assert _get(client, {"estado": "registrado"}) == (3, 0)
    assert _get(client, {"estado": "aceptado"}) == (0, 1)


def test_a_new_document_a_state_change_and_a_delete_are_counted_at_once(
    oce_client, world, importer_docs, django_capture_on_commit_callbacks
):
    client = oce_client(world.importer)
    oce = world.importer.oce
    _get(client), _get(client, {"estado": "aceptado"})
    with django_capture_on_commit_callbacks(execute=True):
        _doc(oce, oce.registration.operator, 10)
    assert _get(client) == (4, 1)
    with django_capture_on_commit_callbacks(execute=True):
        doc = importer_docs[0]
        doc.estado_documento = "aceptado"
        doc.save(update_fields=["estado_documento"])
    assert _get(client, {"estado": "aceptado"}) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        importer_docs[1].delete()
    assert _get(client) == (3, 1)


def test_a_document_filed_for_the_party_by_another_code_bumps_the_partys_count(
    oce_client, world, importer_docs, django_capture_on_commit_callbacks
):
    """The importer (a party) sees what the broker filed for it: the broker's write bumps
    the importer operator's version too, and the broker's own code's."""
    importer = oce_client(world.importer)
    assert _get(importer)[0] == 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _doc(world.broker.oce, world.importer.oce.registration.operator, 20)
    assert len(callbacks) == 1  # one bump per transaction
    assert _get(importer) == (4, 1)


def test_one_write_per_transaction_whatever_the_documents_and_none_before_the_commit(
    world, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    oce = world.importer.oce
    keys = [
        count_version_key(oce_id=oce.pk),
        count_version_key(operator_id=oce.registration.operator_id),
    ]
    before = cache.get_many(keys)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            docs = [_doc(oce, oce.registration.operator, i) for i in range(5)]
            for doc in docs:
                doc.estado_documento = "aceptado"
                doc.save(update_fields=["estado_documento"])
            assert cache.get_many(keys) == before
    assert len(callbacks) == 1
    after = cache.get_many(keys)
    assert set(after) == set(keys) and all(after[k] != before.get(k) for k in keys)


def test_inside_the_writing_transaction_1_3_counts_without_the_cache(
    oce_client, world, importer_docs
):
    client = oce_client(world.importer)
    assert _get(client) == (3, 1)
    oce = world.importer.oce
    _doc(oce, oce.registration.operator, 30)  # its commit has not happened (the test's atomic)
    assert _get(client) == (4, 1)
    assert _get(client) == (4, 1)


def test_a_text_search_is_always_counted(oce_client, world, importer_docs):
    client = oce_client(world.importer)
    assert _get(client, {"q": "DAI"}) == (3, 1)
    assert _get(client, {"q": "DAI"}) == (3, 1)


def test_a_lost_version_key_is_a_miss_never_a_stale_hit(oce_client, world, importer_docs):
    from django.core.cache import cache

    client = oce_client(world.importer)
    assert _get(client) == (3, 1)
    EDocument.objects.filter(pk=importer_docs[0].pk).update(sent_on=None)  # behind the ORM
    cache.delete(count_version_key(operator_id=world.importer.oce.registration.operator_id))
    assert _get(client) == (2, 1)


# --- the whole page kept under the same version (portal.fragments.render_page) -------------


def test_a_steady_1_3_reads_no_document_and_follows_every_write(
    oce_client, world, importer_docs, django_capture_on_commit_callbacks
):
    client = oce_client(world.importer)
    oce = world.importer.oce
    first, reads = _edocs_reads(client)
    assert reads  # the count and the page's rows
    second, reads = _edocs_reads(client)
    assert reads == [] and "Resultado: 3" in second
    # Each query string is its own page.
    _html, reads = _edocs_reads(client, {"estado": "aceptado"})
    assert reads
    # A new document, a state change: the next request reads and shows them.
    with django_capture_on_commit_callbacks(execute=True):
        _doc(oce, oce.registration.operator, 40)
    html, reads = _edocs_reads(client)
    assert reads and "Resultado: 4" in html and f"{oce.code}202600000040S" in html
    with django_capture_on_commit_callbacks(execute=True):
        doc = importer_docs[0]
        doc.estado_documento = "aceptado"
        doc.save(update_fields=["estado_documento"])
    html, reads = _edocs_reads(client, {"estado": "aceptado"})
    assert reads and "Resultado: 1" in html


def test_a_kept_1_3_page_is_never_another_users_or_another_days(
    oce_client, world, importer_docs, client, monkeypatch
):
    from datetime import date

    from django.test import Client

    importer = oce_client(world.importer)
    _edocs_reads(importer), _edocs_reads(importer)
    broker = Client()
    broker.force_login(world.broker.user, backend="ecuapass.accounts.backends.RucUserBackend")
    session = broker.session
    session["ecuapass_oce_code"] = world.broker.oce.code
    session["ecuapass_oce_type"] = world.broker.oce.registration.oce_type.code
    session.save()
    html, reads = _edocs_reads(broker)
    assert reads and "Resultado: 0" in html
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2099, 1, 1))
    _html, reads = _edocs_reads(importer)
    assert reads  # "hoy", "semana" and "mes" mean other days now


def test_a_steady_1_3_reads_its_version_in_the_access_snapshot_s_round_trip(
    oce_client, world, importer_docs, monkeypatch, django_capture_on_commit_callbacks
):
    """The scope's version is read with the access snapshot's versions and the badge (one
    ``get_many``), not in a read of its own (issue 16); what it reads still follows writes."""
    from django.core.cache import caches

    client = oce_client(world.importer)
    oce = world.importer.oce
    key = count_version_key(operator_id=oce.registration.operator_id)
    _edocs_reads(client), _edocs_reads(client)  # this process learns the scope's key
    backend = type(caches["default"])
    reads = []
    for name in ("get", "get_many"):
        original = getattr(backend, name)

        def recorded(self, keys, *args, _name=name, _original=original, **kwargs):
            reads.append((_name, keys if _name == "get_many" else [keys]))
            return _original(self, keys, *args, **kwargs)

        monkeypatch.setattr(backend, name, recorded)
    html, docs = _edocs_reads(client)
    assert docs == [] and "Resultado: 3" in html
    assert [name for name, _keys in reads] == ["get_many"], reads  # one round trip
    assert key in reads[0][1]
    with django_capture_on_commit_callbacks(execute=True):
        _doc(oce, oce.registration.operator, 41)
    reads.clear()
    html, docs = _edocs_reads(client)
    assert docs and "Resultado: 4" in html
    assert sum(key in keys for _name, keys in reads) == 1  # read once, with the others

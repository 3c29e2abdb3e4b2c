"""The read replica: only the views marked @reads_from_replica read from it; all else and every
write stay on the primary. The ``replica`` alias here is a test mirror of the test database."""

from __future__ import annotations

import copy

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecuapass.accounts.tests.factories import login
from ecuapass.edocs.models import EDocument
from ecuapass.ops.replica import REPLICA, ReplicaRouter, reads_from_replica, replica_reads

both = pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A ``replica`` alias on the test database (TEST MIRROR = default), for this module only."""
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    if settings_dict["ENGINE"].endswith("sqlite3"):
        # Each test holds a transaction on both aliases: the reader's must not take the
        # write lock the primary's holds (WAL lets it read beside the writer).
        settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "transaction_mode": "DEFERRED"}
    connections.settings[REPLICA] = settings_dict
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _tables(queries) -> str:
    return "\n".join(q["sql"] for q in queries)


def get_on_both(client, url, params=None):
    """GET ``url``: (response, SQL run on default, SQL run on the replica)."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(url, params or {})
    return response, _tables(primary.captured_queries), _tables(replica.captured_queries)


@both
def test_the_router_reads_from_the_replica_only_inside_the_marked_block():
    assert router.db_for_read(EDocument) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(EDocument) == REPLICA
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS  # the request machinery's
        assert router.db_for_write(EDocument) == DEFAULT_DB_ALIAS
    assert router.db_for_read(EDocument) == DEFAULT_DB_ALIAS
    assert not ReplicaRouter().allow_migrate(REPLICA, "edocs")


@both
def test_an_object_read_from_the_replica_is_written_to_the_primary():
    from ecuapass.core.models import Country

    country = Country(code="ZZ", name="Leído de la réplica")
    country._state.db = REPLICA  # as if read there: Django would write it back there
    with replica_reads():
        assert router.db_for_write(Country, instance=country) == DEFAULT_DB_ALIAS
        country.save()
    assert Country.objects.using(DEFAULT_DB_ALIAS).filter(code="ZZ").exists()


@both
def test_metrics_say_the_replica_answers_and_its_lag(client):
    from ecuapass.ops.replica import lag_seconds

    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "ecuapass_replica_up 1.0" in text
    if connections[REPLICA].vendor == "postgresql":  # the mirror is no standby: never behind
        assert lag_seconds() == 0.0 and "ecuapass_replica_lag_seconds 0.0" in text


def test_without_a_replica_alias_everything_reads_from_default(monkeypatch):
    monkeypatch.setattr("ecuapass.ops.replica.replica_configured", lambda: False)
    with replica_reads():
        assert router.db_for_read(EDocument) == DEFAULT_DB_ALIAS


def test_a_streamed_response_keeps_reading_from_the_replica():
    def view(request):
        return StreamingHttpResponse(router.db_for_read(EDocument) for _ in range(2))

    response = reads_from_replica(view)(None)
    assert b"".join(response.streaming_content) == f"{REPLICA}{REPLICA}".encode()


@both
def test_1_3_estados_reads_the_documents_on_the_replica(client, world):
    login(client, world.importer.user, world.importer.oce)
    response, primary, replica = get_on_both(client, "/edocs/estados/")
    assert response.status_code == 200
    assert "edocs_edocument" in replica and "edocs_edocument" not in primary
    assert "accounts_session" in primary and "accounts_session" not in replica


# Committed data (a transactional test): the form checks the distrito against the catalog, which
# the replica's own connection sees only once committed — as a real replica would.
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_2_11_consulta_de_carga_reads_on_the_replica(client, world):
    login(client, world.importer.user, world.importer.oce)
    today = timezone.localdate().isoformat()
    params = {"tab": "novedades", "desde": today, "hasta": today, "distrito": "028"}
    response, primary, replica = get_on_both(client, "/carga/consulta/", params)
    assert response.status_code == 200
    assert "carga_" in replica and "carga_" not in primary


@both
@pytest.mark.parametrize("url", ["/arancel/", "/api/v1/arancel/"])
def test_the_tariff_search_reads_on_the_replica(client, world, url):
    response, primary, replica = get_on_both(client, url, {"q": "café"})
    assert response.status_code == 200
    assert "tariff_" in replica and "tariff_" not in primary


@both
def test_other_screens_read_and_write_on_the_primary_only(client, world):
    login(client, world.importer.user, world.importer.oce)
    response, primary, replica = get_on_both(client, "/edocs/")  # 1.1, not marked
    assert response.status_code == 200
    assert "edocs_edocument" in primary and replica == ""
    response, primary, replica = get_on_both(client, "/arancel/0901.21.10.00/")  # a line
    assert "tariff_" in primary and replica == ""

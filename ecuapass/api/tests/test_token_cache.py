"""The API's token kept in the cache (``api.token_cache``): one cache read authenticates a
request, and whatever withdraws the token's right takes effect on the next request."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.accounts.models import Grant, User
from ecuapass.api import token_cache
from ecuapass.api.models import ApiToken, hash_token
from ecuapass.api.throttling import ApiThrottle
from ecuapass.portal.models import GrantedOption, MenuEntry
from ecuapass.ratelimit.windows import LEASES
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db

_invoices = iter(range(1, 10_000))


@pytest.fixture(autouse=True)
def _fresh_process():
    token_cache.forget_all()
    LEASES.clear()
    yield
    token_cache.forget_all()
    LEASES.clear()


def post(client, raw):
    return client.post(
        "/api/v1/edocs/",
        data=json.dumps(dai_payload(invoice=f"TC-{next(_invoices):05d}")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {raw}",
    )


def warm(client, raw):
    """The first request learns the token's user and code, the second caches it."""
    for _ in range(2):
        assert post(client, raw).status_code == 202


def statements(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.fixture
def rep_token(world):
    token, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    return token, raw


def test_a_submission_costs_one_cache_read_for_token_code_grant_and_rate(
    client, rep_token, monkeypatch
):
    # The operators' rate per day instead of per minute: the warm-up and the measured request
    # fall in one window whatever the clock (a minute's window could end between them, and the
    # new window's first count is written to the database).
    rates = {**ApiThrottle.THROTTLE_RATES, "operator": "600/day"}
    monkeypatch.setattr(ApiThrottle, "THROTTLE_RATES", rates)
    _token, raw = rep_token
    warm(client, raw)
    with CaptureQueriesContext(connection) as queries:
        assert post(client, raw).status_code == 202
    sql = statements(queries.captured_queries)
    # Nothing of the token, the user's codes or grants, nor the rate counter from the database.
    for table in ("api_apitoken", "accounts_ocecode", "accounts_grant", "ratelimit_ratecounter"):
        assert not [s for s in sql if table in s], table
    # The token's and the grants' versions in one read (the entries are this process's copies),
    # the tariff's version for the liquidación in the same read.
    reads = [s for s in sql if "ecuapass_cache" in s]
    assert len(reads) == 1 and "access:v" in reads[0] and "tariff:v" in reads[0], reads
    # The whole submission: the cache read above, the edoc's key
    # (PostgreSQL: nextval; elsewhere its draft's INSERT), the DAI, its items (one statement),
    # the liquidación, the job, the número de entrega (one UPDATE … RETURNING), the envío, the
    # two states (one INSERT) and the edoc (PostgreSQL: its one INSERT, already sent; elsewhere
    # the update of the fields the submission changed). Fails when a request's queries grow.
    assert len(sql) <= 10, "\n".join(s[:120] for s in sql)
    history = [s for s in sql if "edocs_statuschange" in s]
    assert len(history) == 1 and history[0].startswith("INSERT"), history
    edoc_writes = [s for s in sql if s.startswith(('INSERT INTO "edocs_edocument"', "UPDATE "))]
    edoc_writes = [s for s in edoc_writes if '"edocs_edocument"' in s.split(" SET ")[0]]
    if connection.vendor == "postgresql":
        assert len(edoc_writes) == 1 and edoc_writes[0].startswith("INSERT"), edoc_writes
    else:
        update = next(s for s in sql if s.startswith('UPDATE "edocs_edocument"'))
        assert '"created_on"' not in update and '"doc_type"' not in update, update


def test_a_revoked_token_is_refused_at_once(client, rep_token):
    token, raw = rep_token
    warm(client, raw)
    token.revoke()
    r = post(client, raw)
    assert r.status_code == 401


def test_a_deleted_token_is_refused_at_once(client, rep_token):
    token, raw = rep_token
    warm(client, raw)
    ApiToken.objects.filter(pk=token.pk).delete()
    assert post(client, raw).status_code == 401


def test_a_deactivated_user_is_refused_at_once(client, world, rep_token):
    _token, raw = rep_token
    warm(client, raw)
    user = world.importer.user
    user.is_active = False
    user.save()
    assert post(client, raw).status_code == 401


def test_a_suspended_operator_is_refused_at_once(client, world, rep_token):
    _token, raw = rep_token
    warm(client, raw)
    operator = world.importer.operator
    operator.state = "suspendido"
    operator.save()
    assert post(client, raw).status_code == 401


def _employee(world, username: str):
    """An employee of the importer with no grant yet."""
    return User.objects.create_user(
        world.importer.operator.ruc,
        username,
        "Empleado.Api.2026",
        operator=world.importer.operator,
        kind=User.Kind.EMPLEADO,
    )


def test_a_token_moved_to_another_user_acts_as_that_user(client, world, rep_token):
    token, raw = rep_token
    warm(client, raw)
    other = _employee(world, "otro-usuario")
    token.user = other  # an admin's edit: the employee holds no grant on the code
    token.save()
    assert post(client, raw).status_code == 401


@pytest.fixture
def employee_token(world):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data as menu

    menu.load(LoadReport(write=lambda s: None))
    employee = _employee(world, "empleado-api")
    grant = Grant.objects.create(user=employee, oce_code=world.importer.oce)
    for number in ("1.1", "1.3"):
        GrantedOption.objects.create(grant=grant, entry=MenuEntry.objects.get(number=number))
    _token, raw = ApiToken.issue(user=employee, oce_code=world.importer.oce, name="erp")
    return grant, raw


def test_a_withdrawn_option_is_refused_at_once(client, employee_token):
    grant, raw = employee_token
    warm(client, raw)
    GrantedOption.objects.filter(grant=grant, entry__number="1.1").delete()
    grant.save()  # as the grants' screen does
    r = post(client, raw)
    assert r.status_code == 403
    assert r.json()["detail"] == "No está asignado el permiso al usuario."


def test_a_withdrawn_code_is_refused_at_once(client, employee_token):
    grant, raw = employee_token
    warm(client, raw)
    grant.delete()
    assert post(client, raw).status_code == 401


def test_the_cached_entry_holds_no_password_and_use_is_still_recorded(
    client, rep_token, monkeypatch
):
    from datetime import timedelta

    from django.core.cache import cache

    from ecuapass.api import authentication

    token, raw = rep_token
    warm(client, raw)
    entry = cache.get(f"api:tok:{hash_token(raw)}")
    assert entry is not None and "password" not in entry["token"].user.__dict__
    token.refresh_from_db()
    first = token.last_used_on
    assert first is not None
    monkeypatch.setattr(authentication, "LAST_USED_EVERY", timedelta(0))
    assert post(client, raw).status_code == 202
    token.refresh_from_db()
    assert token.last_used_on > first


def test_a_change_seen_only_as_a_bumped_version_ends_the_process_copy(client, world, rep_token):
    """Another process revoked the token (here behind the ORM's back) and bumped the user's
    version: this process's copy of the entry is not used again."""
    from django.utils import timezone

    from ecuapass.accounts import access_cache

    token, raw = rep_token
    warm(client, raw)
    assert post(client, raw).status_code == 202  # served from this process's copy
    ApiToken.objects.filter(pk=token.pk).update(revoked_on=timezone.now())
    assert post(client, raw).status_code == 202  # no version bumped: the copy (TTL bounds it)
    access_cache._fresh(access_cache._user_key(world.importer.user.pk))
    assert post(client, raw).status_code == 401

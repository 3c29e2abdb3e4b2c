"""Issue 16 §1: the pipeline's in-memory tariff (``tariff.memo``) is dropped when the tariff
changes — at once in the process that changed it, at the next batch in the others."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.tariff import memo, version
from ecuapass.tariff.models import Measure
from ecuapass.tariff.services.calculator import ItemInput, calculate
from ecuapass.tariff.services.lookup import lines_in_force

pytestmark = pytest.mark.django_db

ON = date(2025, 12, 1)
COFFEE = "0901211000"


def _ad_valorem() -> Decimal:
    item = ItemInput(subpartida=COFFEE, fob=Decimal("1000"), flete=Decimal("0"), seguro=None)
    return calculate(ON, [item]).items[0].ad_valorem


def _tariff_queries(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, [q["sql"] for q in ctx.captured_queries if "tariff_" in q["sql"]]


@pytest.fixture
def fresh_memo():
    memo.clear()
    yield
    memo.clear()


def test_inside_using_the_tariff_is_read_once_and_outside_every_time(tariff, fresh_memo):
    with memo.using():
        first, queries = _tariff_queries(_ad_valorem)
        assert queries  # read once
        again, queries = _tariff_queries(_ad_valorem)
        assert again == first and queries == []
        absent, queries = _tariff_queries(lambda: lines_in_force(["9999999999"], ON))
        assert absent == {} and queries  # an unknown code is looked up once…
        _absent, queries = _tariff_queries(lambda: lines_in_force(["9999999999"], ON))
        assert queries == []  # …and remembered as absent
    _value, queries = _tariff_queries(_ad_valorem)
    assert queries  # outside using(): the database, as before


def test_a_change_in_this_process_drops_the_copies_at_once(tariff, fresh_memo):
    with memo.using():
        before = _ad_valorem()
        for measure in Measure.objects.filter(line__code=COFFEE, kind=Measure.Kind.AD_VALOREM):
            measure.rate = measure.rate + Decimal("5")
            measure.save()  # the tariff's signals: memo.clear() now, the version at the commit
        after, queries = _tariff_queries(_ad_valorem)
    assert queries and after > before


def test_a_change_committed_by_another_process_is_seen_at_the_next_using(tariff, fresh_memo):
    with memo.using():
        before = _ad_valorem()
    # Another process changed the rate (the row here, its version token in the shared cache).
    Measure.objects.filter(line__code=COFFEE, kind=Measure.Kind.AD_VALOREM).update(
        rate=Decimal("30")
    )
    with memo.using():
        stale, queries = _tariff_queries(_ad_valorem)
    assert queries == [] and stale == before  # same version: this process cannot know yet
    version._set_new()  # what that process's commit does
    assert cache.get(version.KEY)
    with memo.using():
        fresh, queries = _tariff_queries(_ad_valorem)
    assert queries and fresh != before


def test_the_version_read_early_in_a_request_serves_its_next_read_only():
    """The API's token read fetches the version (``early_keys``/``read_early``): the request's
    next ``current()`` takes it without a read of its own, once; a change in this process
    (``forget``) or the request's end drops it, and outside a request nothing is read early."""
    from ecuapass.ops import context

    assert version.early_keys() == []
    version.read_early({version.KEY: "outside"})  # outside a request: not kept
    cache.set(version.KEY, "shared", None)
    assert version.current() == "shared"
    reads = context.request_reads.set({})
    try:
        assert version.early_keys() == [version.KEY]
        version.read_early(cache.get_many(version.early_keys()))
        cache.set(version.KEY, "bumped-meanwhile", None)
        assert version.current() == "shared"  # the early read, no read of its own
        assert version.current() == "bumped-meanwhile"  # used once: read again
        version.read_early({version.KEY: "early"})
        version.forget()  # the tariff changed in this process
        assert version.current() == "bumped-meanwhile"
        version.read_early({version.KEY: "early"})
    finally:
        context.request_reads.reset(reads)
    assert version.current() == "bumped-meanwhile"  # the request is over


def test_a_submission_uses_the_version_its_token_read_fetched(client, world, fresh_memo):
    """A version bumped by another process before a request is the one its liquidación uses;
    the early read of one request does not outlive it."""
    import json

    from ecuapass.api import token_cache
    from ecuapass.api.models import ApiToken
    from tests.support.world import dai_payload

    token_cache.forget_all()
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")

    def post(n):
        return client.post(
            "/api/v1/edocs/",
            data=json.dumps(dai_payload(invoice=f"VE-{n:03d}")),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {raw}",
        )

    for n in range(3):
        assert post(n).status_code == 202
        assert memo._store["version"] == cache.get(version.KEY)
        version._set_new()  # another process's commit (this process's memo not cleared)
    token_cache.forget_all()

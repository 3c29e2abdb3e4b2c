"""The process's copy of the access snapshots (accounts.access_cache): a steady request reads
the two version keys, not the snapshot's blob; any version change, and the blob's age limit,
end the copy."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.accounts import access_cache

from .factories import company_with_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    operator, rep, codes = company_with_codes({"16": 1})
    return rep, codes[0]


def _read(user, code):
    access_cache.forget(user)
    with CaptureQueriesContext(connection) as ctx:
        oce = access_cache.snapshot(user, code).get("oce")
    return oce, [q["sql"] for q in ctx.captured_queries]


def test_a_steady_read_takes_the_versions_only(rep):
    user, oce = rep
    assert _read(user, oce.code)[0] == oce
    got, sql = _read(user, oce.code)
    assert got == oce
    assert len(sql) == 1 and ":access:s:" not in sql[0]  # no blob


def test_another_process_bumping_a_version_ends_the_copy(rep):
    user, oce = rep
    _read(user, oce.code), _read(user, oce.code)
    cache.set(access_cache._user_key(user.pk), "bumped-elsewhere", None)
    _got, sql = _read(user, oce.code)
    assert any("accounts_ocecode" in q for q in sql)  # recomputed from the tables


def test_the_copy_ends_when_the_blob_it_copies_would(rep, monkeypatch):
    import time

    user, oce = rep
    _read(user, oce.code)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + access_cache.TTL + 1)
    _got, sql = _read(user, oce.code)
    assert any(":access:s:" in q for q in sql)  # read the shared blob again

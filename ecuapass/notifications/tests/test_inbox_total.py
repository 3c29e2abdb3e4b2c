"""Consultar's "Resultado: N" of the unfiltered inbox is counted once per mailbox version."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.accounts.tests.factories import company_with_codes
from ecuapass.notifications.selectors import Mailbox
from ecuapass.notifications.services import mark_read, notify

pytestmark = pytest.mark.django_db


def _count(user, oce, filters=None):
    with CaptureQueriesContext(connection) as ctx:
        n = Mailbox(user, oce, filters).count()
    counts = [q for q in ctx.captured_queries if "COUNT(" in q["sql"] and "notif" in q["sql"]]
    return n, len(counts)


def test_total_is_cached_until_a_notice_arrives_in_either_mailbox(
    django_capture_on_commit_callbacks,
):
    _operator, rep, codes = company_with_codes({"16": 1})
    oce = codes[0]
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(sender="SENAE", subject="P1", body="", category="otro", user=rep)
        notify(sender="SENAE", subject="O1", body="", category="otro", oce_code=oce)
    assert _count(rep, oce) == (2, 2)
    assert _count(rep, oce) == (2, 0)  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        mark_read(first, rep)  # shares the personal badge's version: one recount, same total
    assert _count(rep, oce) == (2, 1)
    assert _count(rep, oce) == (2, 0)
    with django_capture_on_commit_callbacks(execute=True):
        notify(sender="SENAE", subject="P2", body="", category="otro", user=rep)
    assert _count(rep, oce) == (3, 1)  # the personal part only
    with django_capture_on_commit_callbacks(execute=True):
        notify(sender="SENAE", subject="O2", body="", category="otro", oce_code=oce)
    assert _count(rep, oce) == (4, 1)  # the OCE part only
    assert _count(rep, None) == (2, 0)
    # Filters are counted as asked, never from the cache.
    assert _count(rep, oce, {"asunto": "P"}) == (2, 2)

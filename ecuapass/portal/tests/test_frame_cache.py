"""Issue 16 §2: what the frame reads on every request is cached per user, and invalidated.

The session is not written on every request, the active OCE, the menus, the grant and
Mi menú come from one cache read, and the unread badge keeps one count per mailbox.
"""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecuapass.accounts import session_lifetime
from ecuapass.accounts.models import Grant, User
from ecuapass.accounts.tests.factories import GrantFactory, UserFactory, company_with_codes, login
from ecuapass.notifications.models import Notification
from ecuapass.notifications.services import mark_read, notify, unread_count
from ecuapass.portal.models import Access, Favourite, GrantedOption, MenuEntry
from ecuapass.portal.permissions import holds_any_option

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    operator, rep, codes = company_with_codes({"16": 1})
    employee = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username="emp")
    grant = GrantFactory(user=employee, oce_code=codes[0])
    inbox = MenuEntry.objects.create(
        number="9.1",
        label="Opción nueve",
        group="tramites",
        url_name="notifications:inbox",
        access=Access.GRANT,
        available=True,
    )
    GrantedOption.objects.create(grant=grant, entry=inbox)
    return {"rep": rep, "employee": employee, "oce": codes[0], "grant": grant, "inbox": inbox}


def _sql(ctx, table: str, verb: str) -> list[str]:
    return [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith(verb) and table in q["sql"]
    ]


def test_session_is_written_once_per_touch_interval_not_on_every_request(
    client, scene, monkeypatch
):
    login(client, scene["rep"], scene["oce"])
    client.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("portal:home"))
        client.get(reverse("portal:home"))
    assert _sql(ctx, "accounts_session", "UPDATE") == []
    # Past SESSION_TOUCH_SECONDS the next request renews the idle timeout (one write).
    later = time.time() + 61
    monkeypatch.setattr(session_lifetime.time, "time", lambda: later)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("portal:home"))
    assert len(_sql(ctx, "accounts_session", "UPDATE")) == 1


def test_keepalive_always_renews_the_session(client, scene):
    login(client, scene["rep"], scene["oce"])
    client.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("accounts:keepalive")).status_code == 204
    assert len(_sql(ctx, "accounts_session", "UPDATE")) == 1


def test_main_screen_reads_the_frame_from_one_cache_read(client, scene):
    for i in range(5):
        Notification.objects.create(
            user=scene["rep"], sender="SENAE", subject=f"Aviso {i}", body="", category="otro"
        )
    login(client, scene["rep"], scene["oce"])
    client.get(reverse("portal:home"))  # warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    # No menu, grant, OCE or favourite query: they come from the cache.
    for table in ("portal_menuentry", "accounts_grant", "accounts_ocecode", "portal_favourite"):
        assert f'FROM "{table}"' not in tables, table
    # The session with its user (accounts.sessions), and one cache read: the access
    # snapshot's versions with the badge and the mailboxes' versions (register_prefetch); the
    # page itself is kept under them (fragments.render_page).
    assert len(ctx.captured_queries) == 2, [q["sql"][:80] for q in ctx.captured_queries]
    assert len(_sql(ctx, "ecuapass_cache", "SELECT")) == 1


def test_withdrawn_grant_takes_effect_on_the_next_request(client, scene):
    employee, oce = scene["employee"], scene["oce"]
    assert holds_any_option(_fresh(employee), oce, ["9.1"])
    login(client, employee, oce)
    assert "Opción nueve" in client.get(reverse("portal:home")).content.decode()
    GrantedOption.objects.filter(grant=scene["grant"]).delete()
    assert not holds_any_option(_fresh(employee), oce, ["9.1"])
    assert "Opción nueve" not in client.get(reverse("portal:home")).content.decode()
    # A grant no longer approved: the código is no longer the session's active OCE.
    response = client.get(reverse("portal:home"))  # the page kept whole (fragments.pages)
    assert f"· {oce.code}</span>" in response.content.decode()
    grant = Grant.objects.get(pk=scene["grant"].pk)
    grant.approved = False
    grant.save()
    assert client.get(reverse("portal:home")).context["frame"].oce is None


def test_menu_and_favourites_follow_their_changes(client, scene):
    login(client, scene["rep"], scene["oce"])
    html = client.get(reverse("portal:home")).content.decode()
    assert "Opción nueve" in html
    entry = scene["inbox"]
    entry.label = "Bandeja de avisos"
    entry.save()
    html = client.get(reverse("portal:home")).content.decode()
    assert "Bandeja de avisos" in html
    Favourite.objects.create(user=scene["rep"], entry=entry, position=1)
    response = client.get(reverse("portal:home"))
    assert [e.pk for _pk, e in response.context["frame"].favourites] == [entry.pk]


def test_badge_counts_each_mailbox_apart(
    scene, django_assert_num_queries, django_capture_on_commit_callbacks
):
    rep, oce = scene["rep"], scene["oce"]
    with django_capture_on_commit_callbacks(execute=True):
        personal = [
            notify(sender="SENAE", subject=f"P{i}", body="", category="otro", user=rep)
            for i in range(3)
        ]
        notify(sender="SENAE", subject="O1", body="", category="otro", oce_code=oce)
    assert unread_count(rep, oce) == 4
    # A new notice to the OCE mailbox recounts that part only, never the personal one.
    with django_capture_on_commit_callbacks(execute=True):
        notify(sender="SENAE", subject="O2", body="", category="otro", oce_code=oce)
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(_fresh(rep), oce) == 5
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT" in q["sql"] and "notif" in q["sql"]]
    assert len(counts) == 1 and "oce_code_id" in counts[0]
    # Reading a personal notice recounts the personal part only.
    with django_capture_on_commit_callbacks(execute=True):
        mark_read(personal[0], rep)
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(_fresh(rep), oce) == 4
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT" in q["sql"] and "notif" in q["sql"]]
    assert len(counts) == 1 and "oce_code_id" not in counts[0]
    # Nothing changed: no count at all, one read of the cache.
    rep = _fresh(rep)
    with django_assert_num_queries(1):
        assert unread_count(rep, oce) == 4


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_the_frames_badge_is_services_unread_state(
    client, scene, django_capture_on_commit_callbacks
):
    """The frame reads the badge with the access snapshot (notifications.selectors); it must be
    what ``services.unread_state`` says, in each mailbox and after reads."""
    from ecuapass.notifications import selectors
    from ecuapass.notifications.services import unread_state

    rep, oce = scene["rep"], scene["oce"]
    login(client, rep, oce)
    with django_capture_on_commit_callbacks(execute=True):
        mine = notify(sender="SENAE", subject="P", body="", category="otro", user=rep)
        notify(sender="SENAE", subject="O", body="", category="otro", oce_code=oce)
    assert selectors.unread_state(rep, oce) == unread_state(rep, oce)
    assert unread_state(rep, oce)[0] == 2
    with django_capture_on_commit_callbacks(execute=True):
        mark_read(mine, rep)
    for got in (selectors.unread_state(rep, oce), selectors.unread_state(rep, None)):
        assert got == unread_state(rep, oce if len(got[1]) == 3 else None)
    html = client.get(reverse("portal:home")).content.decode()
    assert re.search(r'<span class="badge"[^>]*>1</span>', html)


def test_a_stale_oce_id_in_the_session_never_shows_another_mailbox(client, scene):
    """The session's código id only names what to read ahead; the badge is the active OCE's."""
    from ecuapass.accounts.context import SESSION_OCE_PK
    from ecuapass.accounts.tests.factories import company_with_codes

    other_operator, other_rep, other_codes = company_with_codes({"16": 1})
    for i in range(3):
        Notification.objects.create(
            oce_code=other_codes[0], sender="S", subject=f"X{i}", body="", category="otro"
        )
    rep, oce = scene["rep"], scene["oce"]
    login(client, rep, oce)
    session = client.session
    session[SESSION_OCE_PK] = other_codes[0].pk
    session.save()
    html = client.get(reverse("portal:home")).content.decode()
    assert not re.search(r'<span class="badge"', html)
    assert client.session[SESSION_OCE_PK] == oce.pk  # learnt again

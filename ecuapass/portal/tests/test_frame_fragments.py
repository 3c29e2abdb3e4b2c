"""The frame's fragments rendered once and reused (portal.fragments, ADR 0019).

Whatever the cache keeps, the next request must show what the data say: a withdrawn option
disappears, a new notice changes the badge, another language gives the frame in that
language, and the per-request parts (CSRF token, the page's path) are this request's.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecuapass.accounts.models import User
from ecuapass.accounts.tests.factories import GrantFactory, UserFactory, company_with_codes, login
from ecuapass.notifications.services import mark_read, notify
from ecuapass.portal import fragments
from ecuapass.portal.models import Access, Favourite, GrantedOption, MenuEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    operator, rep, codes = company_with_codes({"16": 1})
    employee = UserFactory(
        operator=operator, kind=User.Kind.EMPLEADO, username="emp", first_name="Elena"
    )
    grant = GrantFactory(user=employee, oce_code=codes[0])
    inbox = MenuEntry.objects.create(
        number="9.1",
        label="Opción nueve",
        group="tramites",
        url_name="notifications:inbox",
        access=Access.GRANT,
        available=True,
    )
    option = GrantedOption.objects.create(grant=grant, entry=inbox)
    return {
        "rep": rep,
        "employee": employee,
        "oce": codes[0],
        "grant": grant,
        "inbox": inbox,
        "option": option,
    }


def _home(client) -> str:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def _badge(html: str) -> str | None:
    match = re.search(r'<span class="badge"[^>]*>(\d+)</span>', html)
    return match.group(1) if match else None


def test_second_request_is_served_from_the_store_and_renders_the_same(client, scene):
    login(client, scene["employee"], scene["oce"])
    fragments.store.clear()
    first = _home(client)
    assert len(fragments.store) >= 4  # header, top menu, left menu, Mi menú, panels
    second = _home(client)

    def without_tokens(html):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert without_tokens(first) == without_tokens(second)
    assert "Opción nueve" in second and "Elena" in second


def test_withdrawn_option_disappears_from_every_menu_on_the_next_request(client, scene):
    login(client, scene["employee"], scene["oce"])
    _home(client)
    assert "Opción nueve" in _home(client)  # now from the store
    client.get("/menu/tramites/")
    assert "Opción nueve" in client.get("/menu/tramites/").content.decode()
    scene["option"].delete()
    html = _home(client)
    assert "Opción nueve" not in html
    # Also in the open group's left menu, rendered from the store before the change.
    assert "Opción nueve" not in client.get("/menu/tramites/").content.decode()


def test_new_notice_changes_the_badge_on_the_next_request(
    client, scene, django_capture_on_commit_callbacks
):
    rep = scene["rep"]
    login(client, rep, scene["oce"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(sender="SENAE", subject="Uno", body="", category="otro", user=rep)
    assert _badge(_home(client)) == "1"
    assert _badge(_home(client)) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        notify(sender="SENAE", subject="Dos", body="", category="otro", oce_code=scene["oce"])
    assert _badge(_home(client)) == "2"


def test_language_switch_gives_the_frame_in_english(client, scene):
    login(client, scene["rep"], scene["oce"])
    html = _home(client)
    assert "Trámites Operativos" in html and "Cerrar sesión" in html
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = _home(client)
    assert "Trámites Operativos" not in html and "Cerrar sesión" not in html
    assert "Log out" in html or "Sign out" in html
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert "Cerrar sesión" in _home(client)


def test_cached_forms_carry_this_requests_csrf_token_and_path(scene):
    client = Client(enforce_csrf_checks=True)
    rep, entry = scene["rep"], scene["inbox"]
    login(client, rep, scene["oce"])
    Favourite.objects.create(user=rep, entry=entry, position=1)
    client.get(reverse("notifications:inbox") + "?page=2")
    html = client.get(reverse("notifications:inbox") + "?page=3").content.decode()
    # Mi menú's forms go back to this page, not to the one the fragment was first rendered on.
    assert 'name="next" value="/buzon/?page=3"' in html
    assert "page=2" not in html
    # The star and Mi menú's forms work with the token rendered into the cached fragment.
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) >= 3
    remove = re.search(r'action="(/mi-menu/\d+/quitar/)"', html).group(1)
    response = client.post(remove, {"csrfmiddlewaretoken": tokens[-1], "next": "/"})
    assert response.status_code == 302
    assert not Favourite.objects.filter(user=rep).exists()


def test_two_users_never_see_each_others_frame(scene):
    rep_client, emp_client = Client(), Client()
    login(rep_client, scene["rep"], scene["oce"])
    login(emp_client, scene["employee"], scene["oce"])
    for _ in range(2):
        rep_html, emp_html = _home(rep_client), _home(emp_client)
    assert "Elena" in emp_html and "Elena" not in rep_html
    assert scene["rep"].login_ruc in rep_html


def test_a_cached_filter_form_shows_the_errors_of_its_own_data(client, scene):
    """{% form_fragment %}: the Consultar form is rendered once per submitted data and
    language; another request's errors or values never show."""
    login(client, scene["rep"], scene["oce"])
    inbox = reverse("notifications:inbox")
    bad = client.get(inbox, {"desde": "31/02/2026"}).content.decode()
    assert "Fecha desde: ingrese una fecha válida" in bad
    assert (
        "Fecha desde: ingrese una fecha válida"
        in client.get(inbox, {"desde": "31/02/2026"}).content.decode()
    )
    good = client.get(inbox, {"remitente": "SENAE"}).content.decode()
    assert "Fecha desde: ingrese una fecha válida" not in good
    assert 'value="SENAE"' in good
    assert 'value="SENAE"' not in client.get(inbox).content.decode()


def test_main_screens_notices_follow_new_notices_and_reads(
    client, scene, django_capture_on_commit_callbacks
):
    """The latest notices' table is kept under the mailboxes' versions: a new notice and a
    read show on the next request, and a kept table costs no notice query."""
    rep = scene["rep"]
    login(client, rep, scene["oce"])
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(sender="SENAE", subject="Aviso uno", body="", category="otro", user=rep)
    html = _home(client)
    assert "Aviso uno" in html and "No leído" in html
    with CaptureQueriesContext(connection) as ctx:
        assert "Aviso uno" in _home(client)
    assert not [q for q in ctx.captured_queries if "notifications_notification" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        notify(sender="SENAE", subject="Aviso dos", body="", category="otro", oce_code=scene["oce"])
    assert "Aviso dos" in _home(client)
    with django_capture_on_commit_callbacks(execute=True):
        mark_read(first, rep)
    html = _home(client)
    row = re.search(r"<tr class=\"(\w+)\">(?:(?!</tr>).)*Aviso uno", html, re.S)
    assert row is not None and row.group(1) == "read"


def test_anonymous_menus_follow_a_change_of_the_public_entries(client):
    entry = MenuEntry.objects.create(
        number="9.9",
        label="Consulta pública de prueba",
        group="informativos",
        url_name="portal:guide",
        access=Access.PUBLIC,
        available=True,
    )
    guide = reverse("portal:guide")
    assert "Consulta pública de prueba" in client.get(guide).content.decode()
    assert "Consulta pública de prueba" in client.get(guide).content.decode()  # kept
    entry.label = "Consulta pública renombrada"
    entry.save()
    html = client.get(guide).content.decode()
    assert "Consulta pública renombrada" in html and "de prueba" not in html
    entry.available = False
    entry.save()
    assert "Consulta pública renombrada" not in client.get(guide).content.decode()

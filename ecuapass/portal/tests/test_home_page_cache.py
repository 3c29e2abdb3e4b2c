"""The main screen kept whole (portal.fragments.render_page): a steady request renders no
template, and the page follows every change its parts follow — the frame's versions, the
mailboxes' versions and the badge — with this request's CSRF token."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.test.signals import template_rendered
from django.urls import reverse

from ecuapass.accounts.tests.factories import company_with_codes, login
from ecuapass.notifications.services import notify
from ecuapass.portal import fragments

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(client):
    operator, rep, codes = company_with_codes({"16": 1})
    login(client, rep, codes[0])
    return client, rep, codes[0]


def _home(client, path=None):
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record, dispatch_uid="home_page_cache_test")
    try:
        response = client.get(path or reverse("portal:home"))
    finally:
        template_rendered.disconnect(dispatch_uid="home_page_cache_test")
    assert response.status_code == 200
    return response.content.decode(), rendered


def _without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_steady_main_screen_renders_no_template_and_the_same_page(rep):
    client, user, oce = rep
    first, rendered = _home(client)
    assert "portal/home.html" in rendered
    second, rendered = _home(client)
    assert rendered == []
    assert _without_tokens(first) == _without_tokens(second)
    assert "csrfmiddlewaretoken" in second and fragments.CSRF_MARK not in second


def test_the_kept_page_carries_a_csrf_token_that_works(rep):
    client, user, oce = rep
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    _home(strict)
    html, rendered = _home(strict)
    assert rendered == []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = strict.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")


def test_a_new_notice_and_a_change_of_the_user_give_a_new_page(
    rep, django_capture_on_commit_callbacks
):
    client, user, oce = rep
    _home(client), _home(client)
    with django_capture_on_commit_callbacks(execute=True):
        notify(sender="SENAE", user=user, subject="Aviso de prueba nuevo", body="", category="otro")
    html, rendered = _home(client)
    assert "Aviso de prueba nuevo" in html and "portal/home.html" in rendered
    user.first_name = "Renombrado"
    user.save()
    html, rendered = _home(client)
    assert "Renombrado" in html and "portal/home.html" in rendered


def test_a_query_string_or_a_waiting_message_renders_the_page(rep):
    client, user, oce = rep
    _home(client)
    _html, rendered = _home(client, reverse("portal:home") + "?x=1")
    assert "portal/home.html" in rendered
    request = RequestFactory().get(reverse("portal:home"))
    request.user, request.session = user, client.session
    request._messages = FallbackStorage(request)
    assert fragments.page_key(request, "portal/home.html") is not None
    request._messages.add(20, "Hecho")
    assert fragments.page_key(request, "portal/home.html") is None


def test_two_users_never_share_a_page(client):
    operator, rep, codes = company_with_codes({"16": 1})
    other_operator, other, other_codes = company_with_codes({"16": 1})
    login(client, rep, codes[0])
    _home(client), _home(client)
    second = Client()
    login(second, other, other_codes[0])
    html, rendered = _home(second)
    assert "portal/home.html" in rendered and other_codes[0].code in html
    assert codes[0].code not in html


def test_the_kept_pages_token_is_djangos_masked_secret():
    from collections import Counter

    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _check_token_format, _unmask_cipher_token

    request = RequestFactory().get("/")
    secret = "aZ09" * 8
    request.META["CSRF_COOKIE"] = secret
    tokens = {fragments.csrf_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a new mask every time
    for token in tokens:
        _check_token_format(token)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    # No secret yet: a new one, to be set as the cookie, as get_token makes it.
    fresh = RequestFactory().get("/")
    token = fragments.csrf_token(fresh)
    assert fresh.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert _unmask_cipher_token(token) == fresh.META["CSRF_COOKIE"] != secret
    _check_token_format(fresh.META["CSRF_COOKIE"])
    # Every allowed character, none favoured (62,000 draws: ~1,000 each; 6 sigma is ~190).
    counts = Counter(fragments._random_chars(62_000))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert all(800 < n < 1200 for n in counts.values())


def test_the_kept_page_without_a_csrf_cookie_sets_one_that_works(rep):
    client, user, oce = rep
    _home(client)  # the page is kept
    strict = Client(enforce_csrf_checks=True)
    strict.cookies[client.cookies["sessionid"].key] = client.cookies["sessionid"].value
    html, rendered = _home(strict)
    assert rendered == [] and "csrftoken" in strict.cookies  # kept, and the new secret is set
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    response = strict.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")

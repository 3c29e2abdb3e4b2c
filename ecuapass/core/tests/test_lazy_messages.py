"""core.middleware.LazyMessageMiddleware: Django's messages, the storage built on first use."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory

from ecuapass.core import middleware
from ecuapass.core.middleware import LazyMessageMiddleware

COOKIE = CookieStorage.cookie_name


def _add(request):
    messages.success(request, "Guardado.")
    return HttpResponse("ok")


def _read(request):
    return HttpResponse(" | ".join(str(m) for m in messages.get_messages(request)))


def _read_then_add(request):
    _read(request)
    return _add(request)


def _nothing(request):
    return HttpResponse("ok")


def _run(middleware_class, view, cookie=None):
    request = RequestFactory().get("/guia/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    if cookie is not None:
        request.COOKIES[COOKIE] = cookie
    response = middleware_class(view)(request)
    jar = response.cookies.get(COOKIE)
    return (
        response.status_code,
        response.content,
        jar.value if jar else None,
        jar["max-age"] if jar else None,
        dict(request.session),
    )


def _a_stored_message_cookie():
    """The cookie Django's middleware leaves after a view added a message."""
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    response = MessageMiddleware(_add)(request)
    return response.cookies[COOKIE].value


@pytest.mark.parametrize("view", [_nothing, _add, _read, _read_then_add])
@pytest.mark.parametrize("with_message", [False, True])
def test_the_answer_is_django_s(view, with_message):
    cookie = _a_stored_message_cookie() if with_message else None
    assert _run(LazyMessageMiddleware, view, cookie) == _run(MessageMiddleware, view, cookie)


def test_a_message_added_is_read_on_the_next_request():
    cookie = _a_stored_message_cookie()
    status, content, *_rest = _run(LazyMessageMiddleware, _read, cookie)
    assert content == b"Guardado."


def test_a_request_that_uses_no_message_builds_no_storage(monkeypatch, client, world):
    built = []
    original = middleware.default_storage
    monkeypatch.setattr(middleware, "default_storage", lambda r: built.append(r) or original(r))
    from ecuapass.api.models import ApiToken

    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    response = client.get("/api/v1/edocs/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200
    assert built == []  # Django's MessageMiddleware builds it for every request
    assert COOKIE not in response.cookies


def test_the_project_uses_it(settings):
    assert "ecuapass.core.middleware.LazyMessageMiddleware" in settings.MIDDLEWARE
    assert "django.contrib.messages.middleware.MessageMiddleware" not in settings.MIDDLEWARE


@pytest.mark.parametrize("where", ["none", "cookie", "session", "added"])
def test_may_hold_messages_answers_without_building_the_storage_when_it_can(where):
    """``may_hold_messages``: an unbuilt storage holds messages only from the messages cookie
    or the session's ``_messages`` (FallbackStorage's sources), so the answer needs neither to
    be built; one built already is asked itself."""
    from django.contrib.messages.storage.session import SessionStorage
    from django.utils.functional import empty

    from ecuapass.core.middleware import may_hold_messages

    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    if where == "cookie":
        request.COOKIES[COOKIE] = _a_stored_message_cookie()
    if where == "session":
        request.session[SessionStorage.session_key] = "[]"
    LazyMessageMiddleware(_nothing).process_request(request)
    if where == "added":
        messages.info(request, "Hecho.")
    assert may_hold_messages(request) is (where != "none")
    if where in ("none", "cookie", "session"):
        assert request._messages._wrapped is empty  # answered without building it


def test_a_main_screen_with_a_message_waiting_shows_it_and_is_not_the_kept_page(client, db):
    """Through the portal: the message a previous request left (in the cookie, as the
    FallbackStorage keeps it) is shown on the next main screen, however steady it was."""
    from django.urls import reverse

    from ecuapass.accounts.tests.factories import company_with_codes, login

    _operator, rep, codes = company_with_codes({"16": 1})
    login(client, rep, codes[0])
    home = reverse("portal:home")
    client.get(home), client.get(home)  # kept
    client.cookies[COOKIE] = _a_stored_message_cookie()
    assert "Guardado." in client.get(home).content.decode()
    assert "Guardado." not in client.get(home).content.decode()  # shown once

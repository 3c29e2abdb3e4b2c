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

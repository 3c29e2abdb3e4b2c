"""core.middleware.CSPMiddleware: django-csp's headers, the settings' one built once."""

from __future__ import annotations

import pytest
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from ecuapass.core import middleware
from ecuapass.core.middleware import CSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report/"}}


def _plain(response):
    return response


def _set(**attrs):
    def make(response):
        for name, value in attrs.items():
            setattr(response, name, value)
        return response

    return make


def _header_set(response):
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


CASES = {
    "plain": _plain,
    "update": _set(_csp_update={"img-src": ["data:"], "style-src": ["'unsafe-inline'"]}),
    "replace": _set(_csp_replace={"script-src": ["https://cdn.example"]}),
    "config": _set(_csp_config={"default-src": ["'none'"]}),
    "update-ro": _set(_csp_update_ro={"img-src": ["data:"]}),
    "exempt": _set(_csp_exempt=True),
    "exempt-none": _set(_csp_exempt=None),  # django-csp: anything but False exempts
    "exempt-ro": _set(_csp_exempt_ro=True),
    "already-set": _header_set,
}


def _run(middleware_class, path, decorate, status=200, use_nonce=False):
    request = RequestFactory().get(path)

    def view(req):
        if use_nonce:
            str(req.csp_nonce)
        return decorate(HttpResponse("x", status=status))

    response = middleware_class(view)(request)
    return {h: response.get(h) for h in HEADERS}, request


@pytest.fixture(params=["settings", "report-only", "excluded", "debug"])
def configured(request, settings):
    if request.param == "report-only":
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY
    elif request.param == "excluded":
        settings.CONTENT_SECURITY_POLICY = {
            **settings.CONTENT_SECURITY_POLICY,
            "EXCLUDE_URL_PREFIXES": ["/excluida/"],
        }
    elif request.param == "debug":
        settings.DEBUG = True
    return request.param


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("path", ["/guia/", "/excluida/x/"])
@pytest.mark.parametrize("status", [200, 404])
@pytest.mark.parametrize("use_nonce", [False, True])
def test_the_headers_are_django_csp_s(configured, case, path, status, use_nonce):
    for _twice in range(2):  # the second from the built copy
        ours, request = _run(CSPMiddleware, path, CASES[case], status, use_nonce)
        theirs, _request = _run(DjangoCSPMiddleware, path, CASES[case], status, use_nonce)
        assert ours == theirs
    if not use_nonce and not (status == 404 and configured == "debug"):
        with pytest.raises(CSPNonceError):
            str(request.csp_nonce)  # asked for after the header: an error, as django-csp's


def test_the_settings_policy_is_built_once(monkeypatch, settings):
    built = []
    original = middleware.build_policy
    monkeypatch.setattr(middleware, "build_policy", lambda **kw: built.append(kw) or original(**kw))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    for _ in range(3):
        headers, _request = _run(CSPMiddleware, "/guia/", _plain)
        assert headers[HEADERS[0]] == "default-src 'self'"
    assert len(built) == 2  # the policy and the report-only one (none), once
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    headers, _request = _run(CSPMiddleware, "/guia/", _plain)
    assert headers[HEADERS[0]] == "default-src 'none'"  # a settings change is seen


def test_the_project_uses_it(settings):
    assert "ecuapass.core.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE


def test_a_concurrent_first_build_publishes_one_whole_copy(monkeypatch, settings):
    """Two requests building the headers at once (here: one inside the other's first build)
    each publish a whole copy; neither sees half of one nor both added together."""
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    original = middleware.build_policy
    inner = []

    def build(**kw):
        if not inner:
            inner.append(None)
            inner[0] = middleware._headers_from_settings()
        return original(**kw)

    monkeypatch.setattr(middleware, "build_policy", build)
    headers = middleware._headers_from_settings()
    assert [h for h, *_ in headers] == list(HEADERS)
    assert [h for h, *_ in inner[0]] == list(HEADERS)
    assert [h for h, *_ in middleware._headers_from_settings()] == list(HEADERS)

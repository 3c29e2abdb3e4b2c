"""Every URL outside an explicit public allow-list requires login."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

# (prefix of the route, why it is public)
PUBLIC = [
    ("healthz", "monitoring"),
    (
        "metrics",
        "monitoring: no login, refused unless from METRICS_ALLOWED_NETWORKS or with METRICS_TOKEN (ecuapass.ops)",
    ),
    ("estado/", "Estado del servicio: whether the portal and the processing are up (ecuapass.ops)"),
    ("i18n/", "language switch"),
    ("jsi18n/", "JavaScript translation catalog"),
    ("ingresar/", "login, step 1"),
    ("salir/", "sign-out"),
    ("reiniciar-clave/", "password reset request"),
    ("nuevo-registro/", "NUEVO REGISTRO: solicitud de uso (rate-limited)"),
    ("arancel/", "2.1.1 Consulta de arancel is a public service"),
    ("vue/verificar/", "Verificar validez del documento original: public, by number and code"),
    ("tributos/", "Cálculo de tributos is a public service"),
    ("guia/", "Guía del uso"),
    ("api/v1/schema/", "OpenAPI schema"),
    ("api/v1/docs/", "API documentation"),
    ("api/v1/arancel/", "public tariff API"),
    ("api/v1/tributos/", "public tax calculator API"),
]

CONVERTER_SAMPLES = {
    "int": "1",
    "str": "abc",
    "slug": "abc",
    "path": "abc/def",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(settings.ADMIN_URL):
                yield prefix + route  # the admin guards itself; test its index only
                continue
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _concrete(route: str) -> str | None:
    if route.startswith("^") or "(?P" in route:
        return None  # regex routes (admin internals, static) are covered by their prefix
    url = re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_SAMPLES.get(m.group(1) or "str", "abc"), route
    )
    return "/" + url


def _is_public(url: str) -> bool:
    return any(url.lstrip("/").startswith(prefix) for prefix, _ in PUBLIC) or url == "/"


ALL_URLS = sorted({u for u in (_concrete(r) for r in _walk(get_resolver().url_patterns)) if u})


def test_the_walk_finds_the_project_urls():
    assert len(ALL_URLS) > 5
    assert "/healthz" in ALL_URLS


@pytest.mark.django_db
@pytest.mark.parametrize("url", [u for u in ALL_URLS if not _is_public(u)])
def test_private_url_requires_login(client, url):
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code in (401, 403), (url, response.status_code)
        return
    assert response.status_code in (301, 302, 403, 404, 405), (url, response.status_code)
    if response.status_code in (301, 302):
        location = response["Location"]
        assert (
            "ingresar" in location
            or "login" in location
            or location.startswith("/" + settings.ADMIN_URL)
        ), (url, location)
    if response.status_code == 404:
        # A 404 for an anonymous user is only acceptable when it does not render content.
        assert b"Inicio" not in response.content


@pytest.mark.django_db
def test_home_redirects_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302


# --- the API's include comes first (issue 16: resolving an API path cost ~79 us) -----------
API_URLS = [u for u in ALL_URLS if u.startswith("/api/v1/")]


def _urlconf(patterns):
    import types

    module = types.ModuleType("reordered_urls")
    module.urlpatterns = patterns
    return module


def _match(url, urlconf):
    from django.urls import Resolver404, resolve

    try:
        found = resolve(url, urlconf=urlconf)
    except Resolver404:
        return None
    return (found.view_name, found.func, found.kwargs)


def test_no_route_outside_the_api_include_answers_an_api_path():
    """What lets the API's include come first without changing an answer."""
    import config.urls

    others = [p for p in config.urls.urlpatterns if str(p.pattern) != "api/v1/"]
    assert len(others) == len(config.urls.urlpatterns) - 1
    assert len(API_URLS) > 10
    assert [u for u in API_URLS if _match(u, _urlconf(others)) is not None] == []


def test_api_first_resolves_every_url_as_before():
    import config.urls

    api = [p for p in config.urls.urlpatterns if str(p.pattern) == "api/v1/"]
    api_last = _urlconf([p for p in config.urls.urlpatterns if p not in api] + api)
    assert all(_match(u, "config.urls") == _match(u, api_last) for u in ALL_URLS)


def test_an_api_path_is_resolved_without_walking_the_portal(monkeypatch):
    from django.urls import resolve
    from django.urls.resolvers import URLResolver

    calls = []
    original = URLResolver.resolve

    def counted(self, path):
        calls.append(str(self.pattern))
        return original(self, path)

    monkeypatch.setattr(URLResolver, "resolve", counted)
    assert resolve("/api/v1/edocs/").view_name == "api:edocs_api:list"
    # the root, api/v1/ and the API's own includes up to the edocs one: 6 (33 before)
    assert len(calls) <= 8, calls

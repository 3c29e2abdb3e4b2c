"""The session and its user read in one query (accounts.sessions, ADR 0020), and every change
that ends a session still ending it on the very next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ecuapass.accounts.models import User
from ecuapass.accounts.sessions import UserSession

from .factories import company_with_codes, login

pytestmark = pytest.mark.django_db

HOME = "/guia/"  # a page that reads nothing of its own for a user without an OCE


@pytest.fixture
def rep_client(client):
    operator, rep, codes = company_with_codes({"16": 1})
    login(client, rep, codes[0])
    return client, rep


def _queries(client, url=HOME):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def test_the_session_and_its_user_are_one_query(rep_client):
    client, rep = rep_client
    client.get(HOME)  # the first request renews the idle timeout (an UPDATE)
    response, sql = _queries(client)
    assert response.status_code == 200 and response.wsgi_request.user == rep
    assert response.wsgi_request.user.is_authenticated
    auth_reads = [q for q in sql if "accounts_session" in q or 'FROM "accounts_user"' in q]
    assert len(auth_reads) == 1, auth_reads
    assert "accounts_user" in auth_reads[0]  # the join
    assert UserSession.objects.get(session_key=client.session.session_key).user_id == rep.pk


def test_a_deactivated_user_is_out_on_the_next_request(rep_client):
    client, rep = rep_client
    assert client.get(reverse("portal:home")).status_code == 200
    User.objects.filter(pk=rep.pk).update(is_active=False)  # even behind the ORM's back
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith("/ingresar/")


def test_a_changed_password_ends_the_other_sessions(rep_client):
    client, rep = rep_client
    assert client.get(reverse("portal:home")).status_code == 200
    rep.set_password("otra-clave-larga-123")
    rep.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert not UserSession.objects.filter(session_key=client.cookies["sessionid"].value).exists()


def test_a_logged_out_session_cookie_is_not_accepted_again(rep_client):
    client, rep = rep_client
    old = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(session_key=old).exists()
    client.cookies["sessionid"] = old
    response, _sql = _queries(client)
    assert not response.wsgi_request.user.is_authenticated


def test_a_deleted_user_leaves_an_anonymous_request(rep_client):
    client, rep = rep_client
    key = client.session.session_key
    User.objects.filter(pk=rep.pk).delete()
    assert UserSession.objects.filter(session_key=key, user_id=rep.pk).exists()
    response, _sql = _queries(client)
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_a_session_without_its_user_column_reads_the_user_apart(rep_client):
    """A session copied from Django's table (the migration) or saved before its login."""
    client, rep = rep_client
    UserSession.objects.filter(session_key=client.session.session_key).update(user=None)
    response, sql = _queries(client)
    assert response.wsgi_request.user == rep
    assert any('FROM "accounts_user"' in q and "accounts_session" not in q for q in sql)


def test_a_column_naming_another_user_is_never_trusted(rep_client):
    """The session's own ``_auth_user_id`` decides; the column is only a prefetch."""
    client, rep = rep_client
    other = User.objects.create_user(rep.login_ruc, "otro", "x-clave-larga-123")
    UserSession.objects.filter(session_key=client.session.session_key).update(user=other)
    response, _sql = _queries(client)
    assert response.wsgi_request.user == rep


def test_a_forged_session_key_is_anonymous_in_one_query(client):
    client.cookies["sessionid"] = "x" * 32
    response, sql = _queries(client)
    assert not response.wsgi_request.user.is_authenticated
    assert len([q for q in sql if "accounts_session" in q]) == 1


def test_the_user_read_with_the_session_is_the_orm_s_row(rep_client):
    """Built from the joined row with the fields' converters: every field as the ORM reads it."""
    client, rep = rep_client
    User.objects.filter(pk=rep.pk).update(last_login=timezone.now())
    response, _sql = _queries(client)
    got = response.wsgi_request.user  # the user itself (OTPMiddleware unwraps it)
    expected = User.objects.get(pk=rep.pk)
    assert type(got) is User and got._state.adding is False
    for field in User._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(expected, field.attname), field.name


def test_a_session_text_is_decoded_once_and_each_use_gets_its_own_copy(settings):
    from unittest import mock

    from django.core import signing

    from ecuapass.accounts.sessions import SessionStore

    store = SessionStore()
    store["plain"], store["nested"] = "x", {"user": 1, "list": [1, 2]}
    store.save()
    text = UserSession.objects.get(session_key=store.session_key).session_data
    with mock.patch.object(signing, "loads", wraps=signing.loads) as real:
        first = SessionStore().decode(text)
        first["nested"]["list"].append(3)  # a use that changes its copy in place
        first["plain"] = "changed"
        second = SessionStore().decode(text)
        assert real.call_count == 1  # the signature and the JSON once
    assert second == {"plain": "x", "nested": {"user": 1, "list": [1, 2]}}
    # A tampered text is {} every time (Django logs each), never kept.
    tampered = text[:-3] + ("aaa" if not text.endswith("aaa") else "bbb")
    assert SessionStore().decode(tampered) == {} and SessionStore().decode(tampered) == {}
    # Another SECRET_KEY does not accept what the old one signed.
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert SessionStore().decode(text) == {}


def test_a_changed_session_is_read_as_changed(rep_client):
    client, rep = rep_client
    client.get(HOME), client.get(HOME)
    session = client.session
    session["ecuapass_test_value"] = "first"
    session.save()
    assert client.get(HOME).wsgi_request.session.get("ecuapass_test_value") == "first"
    session["ecuapass_test_value"] = "second"
    session.save()
    assert client.get(HOME).wsgi_request.session.get("ecuapass_test_value") == "second"


def test_a_signed_in_request_carries_its_user_itself_with_the_second_factor_check(rep_client):
    """django_otp's check runs on the session's user, and the view gets that user itself, not
    a lazy object around it (each attribute read through one raised an AttributeError: ~7 % of
    a main screen's CPU, issue 16)."""
    from django.utils.functional import LazyObject

    c, rep = rep_client
    user = c.get(HOME).wsgi_request.user
    assert type(user) is User and not isinstance(user, LazyObject)
    assert user == rep and user.is_verified() is False and user.otp_device is None
    c.logout()
    anonymous = c.get(HOME).wsgi_request.user  # no session cookie: still lazy, never built
    assert isinstance(anonymous, LazyObject)
    assert not anonymous.is_authenticated and anonymous.is_verified() is False


@pytest.fixture
def users_built(monkeypatch):
    """The requests whose session user was built (accounts.sessions.get_user)."""
    from ecuapass.accounts import sessions

    built = []
    original = sessions.get_user

    def counted(request):
        built.append(request.path)
        return original(request)

    monkeypatch.setattr(sessions, "get_user", counted)
    return built


def test_a_request_without_a_session_does_not_build_its_user(client, world, users_built):
    """An API call with a token carries no session: the session lifetime, second factor and
    annual update middlewares no longer build its (anonymous) session user (issue 16)."""
    from ecuapass.api.models import ApiToken

    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    response = client.get("/api/v1/edocs/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200
    assert users_built == []
    # …and the answer still varies on Cookie, as when the middlewares read the session
    assert "Cookie" in response["Vary"]


def test_a_signed_in_session_is_still_checked_by_the_middlewares(rep_client, users_built):
    client, rep = rep_client
    client.get(HOME)
    assert users_built and set(users_built) == {HOME}  # built (and asked for) as before
    # …and the absolute lifetime still ends it (SessionLifetimeMiddleware ran)
    from ecuapass.accounts.session_lifetime import SESSION_LOGIN_AT

    session = client.session
    session[SESSION_LOGIN_AT] = 0
    session.save()
    response = client.get(HOME)
    assert response.status_code == 302 and "expirada=duracion" in response["Location"]


def test_the_session_auth_hash_is_djangos_for_each_password_and_secret(settings):
    """Kept per (password hash, secret), the HMAC is Django's own for every pair: a new
    password or a fallback secret gives its own value, never the kept one."""
    from django.contrib.auth.base_user import AbstractBaseUser

    def django_s(user, secret=None):
        return AbstractBaseUser._get_session_auth_hash(user, secret=secret)

    user = User(password="argon2$uno")
    first = user.get_session_auth_hash()
    assert first == django_s(user) and user.get_session_auth_hash() == first
    user.password = "argon2$dos"
    assert user.get_session_auth_hash() == django_s(user) != first
    settings.SECRET_KEY_FALLBACKS = ["una-clave-anterior-" + "x" * 40]
    assert list(user.get_session_auth_fallback_hash()) == [
        django_s(user, secret=settings.SECRET_KEY_FALLBACKS[0])
    ]
    settings.SECRET_KEY = "otra-clave-" + "y" * 50
    assert user.get_session_auth_hash() == django_s(user) != first

"""Sessions stored with their user's id, so a request reads its session and its user at once.

Django's database sessions cost every authenticated request two queries before its view: the
session row, then the user row (``ModelBackend.get_user``). Here the session table
(``UserSession``, ``SESSION_ENGINE = "ecuapass.accounts.sessions"``) has a ``user`` column
written from the session's own ``_auth_user_id`` whenever the session is saved, and the session
is read joined to its user (``select_related``): one query, and the user row is as fresh as
before — a deactivated user, a changed password (the session's auth hash), a logout (the row
deleted) take effect on the next request, exactly as with Django's two queries.

``AuthenticationMiddleware`` (in place of Django's) hands that user row to the backend while
Django's own ``auth.get_user`` runs (the backend path in the session, ``user_can_authenticate``,
the auth hash and its fallbacks: all unchanged). The row is used only when it is the session's
user: a session whose column is empty (copied from Django's table, or saved before its login)
or names another user falls back to the backend's own query. See ADR 0020.

Why not ``cached_db`` sessions: without ``REDIS_URL`` the shared cache is the database, so a
cached session is a query as well; with Redis it would still leave the user's query.
"""

from __future__ import annotations

import contextvars
import logging
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthMiddleware
from django.contrib.auth.middleware import auser
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.db import connections, models, router
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext_lazy as _
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

from ecuapass.core.process_cache import ProcessCache

from .session_lifetime import may_be_signed_in

_MISSING = object()
# (user id as stored in the session, the user row or None) read with the session, while
# auth.get_user runs for this request.
_loaded: contextvars.ContextVar = contextvars.ContextVar("ecuapass_session_user", default=None)


class UserSession(AbstractBaseSession):
    # No foreign key constraint: a session may outlive its user's row (then: anonymous).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("usuario"),
    )

    class Meta:
        db_table = "accounts_session"
        verbose_name = _("sesión")
        verbose_name_plural = _("sesiones")

    @classmethod
    def get_session_store_class(cls):
        return SessionStore


# Sessions decoded once per process: the stored text is signed, so the same text (under the
# same SECRET_KEY) always decodes to the same dict; an unchanged session (most requests) skips
# the signature check and the JSON. Each use gets its own deep copy (the serializer's JSON
# values: dicts, lists and plain values); an empty result (a bad signature, logged by
# Django) is never kept.
_DECODED_MAX = 2048
_decoded = ProcessCache(_DECODED_MAX)
_PLAIN = frozenset((str, int, float, bool, type(None)))


def _copy(value):
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    raise TypeError(kind)


class SessionStore(DBStore):
    loaded_user = _MISSING  # (user id, user row or None) once read with a user id stored

    @classmethod
    def get_model_class(cls):
        return UserSession

    def decode(self, session_data):
        key = (session_data, settings.SECRET_KEY)
        data = _decoded.get(key)
        if data is None:
            data = super().decode(session_data)
            try:
                kept = _copy(data) if data else None
            except TypeError:  # not the JSON serializer's: decoded every time
                kept = None
            if kept is None:
                return data
            _decoded.set(key, kept)
            return data
        return _copy(data)

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        raw = data.get(auth.SESSION_KEY)
        try:
            obj.user_id = (
                None if raw is None else UserSession._meta.get_field("user").to_python(raw)
            )
        except ValidationError:
            obj.user_id = None
        return obj

    def _get_session_from_db(self):
        self.loaded_user = _MISSING
        db = router.db_for_write(self.model)  # the primary, always (ops.replica)
        try:
            row = _read_session(db, self.session_key)
        except SuspiciousOperation as exc:  # as Django's store
            logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
            row = None
        if row is None:
            self._session_key = None
            return None
        session, user = row
        if session.user_id is not None:
            self.loaded_user = (str(session.user_id), user)
        return session


# The session joined to its user in one statement, written once per process and connection
# vendor; the user is built as the ORM builds it (``from_db``, with the fields' converters).
# The ORM's own ``select_related(...).get(...)`` cost ~0.9 ms of CPU per request to compile and
# build; this ~0.2 ms.
_statements: dict = {}


def _statement(connection):
    from django.contrib.auth import get_user_model

    key = (connection.vendor, connection.alias)
    if key not in _statements:
        user_model = get_user_model()
        fields = list(user_model._meta.concrete_fields)
        qn = connection.ops.quote_name
        session_table, user_table = qn(UserSession._meta.db_table), qn(user_model._meta.db_table)
        columns = ", ".join(f"u.{qn(f.column)}" for f in fields)
        sql = (
            f"SELECT s.{qn('session_data')}, s.{qn('user_id')}, {columns} "  # noqa: S608
            f"FROM {session_table} s LEFT OUTER JOIN {user_table} u "
            f"ON u.{qn(user_model._meta.pk.column)} = s.{qn('user_id')} "
            f"WHERE s.{qn('session_key')} = %s AND s.{qn('expire_date')} > %s"
        )
        converters = []
        for field in fields:
            col = field.get_col(user_model._meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            converters.append((found, col))
        _statements[key] = (sql, user_model, [f.attname for f in fields], converters)
    return _statements[key]


class _SessionRow(NamedTuple):
    """What Django's store reads of its session (``load``: the data) and this one (its user)."""

    session_data: str
    user_id: int | None


def _read_session(db: str, session_key: str):
    """(the session, its user row or None) for an unexpired ``session_key``, or None."""
    connection = connections[db]
    sql, user_model, names, converters = _statement(connection)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [session_key, now])
        row = cursor.fetchone()
    if row is None:
        return None
    session = _SessionRow(row[0], row[1])
    values = list(row[2:])
    if values[names.index(user_model._meta.pk.attname)] is None:
        return session, None
    for i, (found, col) in enumerate(converters):
        for convert in found:
            values[i] = convert(values[i], col, connection)
    return session, user_model.from_db(db, names, values)


def loaded_user(user_id):
    """The user row read with this request's session when it is user ``user_id``'s, None
    when that user no longer exists, ``_MISSING`` when the backend must query it."""
    loaded = _loaded.get()
    if loaded is None or loaded is _MISSING or loaded[0] != str(user_id):
        return _MISSING
    return loaded[1]


def get_user(request):
    if not hasattr(request, "_cached_user"):
        session = request.session
        session._get_session()  # loads it (and its user row) if not yet read
        token = _loaded.set(getattr(session, "loaded_user", _MISSING))
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _loaded.reset(token)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthMiddleware):
    """Django's, with the user row read together with the session when the store did."""

    def process_request(self, request):
        if not hasattr(request, "session"):
            raise ImproperlyConfigured("AuthenticationMiddleware needs SessionMiddleware.")
        request.user = request._session_user = SimpleLazyObject(lambda: get_user(request))
        request.auser = partial(auser, request)


class OTPMiddleware(DjangoOTPMiddleware):
    """django_otp's, its check run on the session's user itself: the user is wrapped in one
    lazy object instead of django_otp's around ours (each attribute of ``request.user`` went
    through both). Same check, same time (on first use), same attributes on the same user.

    A request with a session cookie then gets its user itself in ``request.user``, not the lazy
    object: the middlewares after this one ask for it on every such request anyway
    (``SecondFactorMiddleware``), and every attribute read through ``SimpleLazyObject`` costs a
    raised ``AttributeError`` and two calls (~160 reads on a main screen, ~7 % of its CPU,
    issue 16). A request without one keeps the lazy user, never built unless asked for."""

    def __call__(self, request):
        if self._is_async:
            return super().__call__(request)
        self._install_lazy_accessors(request)
        if may_be_signed_in(request):
            request.user = unwrapped(request.user)
        return self.get_response(request)

    def _install_lazy_accessors(self, request):
        if getattr(request, "user", None) is getattr(request, "_session_user", False):
            request.user = SimpleLazyObject(
                lambda: self._verify_user_sync(request, get_user(request))
            )
            auser = getattr(request, "auser", None)
            if auser is not None:
                request.auser = partial(self._verify_user_async_via_auser, request, auser)
        else:  # a request.user set otherwise: django_otp's own way
            super()._install_lazy_accessors(request)


def unwrapped(obj):
    """The object a ``SimpleLazyObject`` stands for (built now if it was not), else ``obj``."""
    if isinstance(obj, SimpleLazyObject):
        if obj._wrapped is empty:
            obj._setup()
        return obj._wrapped
    return obj

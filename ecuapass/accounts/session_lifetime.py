"""The session's absolute lifetime.

The idle timeout is Django's own: ``SESSION_COOKIE_AGE`` (``SESSION_IDLE_MINUTES``) from the
session's last save. Saving it on every request (``SESSION_SAVE_EVERY_REQUEST``) cost an UPDATE
per page; instead ``SessionLifetimeMiddleware`` re-saves it when its last renewal is older than
``SESSION_TOUCH_SECONDS`` (60 s), so the idle timeout holds to within that. On top of it a session ends
``SESSION_ABSOLUTE_HOURS`` after its login however active it is: the login time is stored in
the session when the user logs in (``stamp_login``, on ``user_logged_in``) and
``SessionLifetimeMiddleware`` logs out a session past it — the portal goes to the login page
with a message, the API answers as to a caller that is not authenticated.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SESSION_LOGIN_AT = "ecuapass_login_at"  # seconds since the epoch
SESSION_TOUCHED_AT = "ecuapass_touched_at"  # last renewal of the idle timeout
EXPIRED_ABSOLUTE = "duracion"  # ?expirada=duracion on the login page


def may_be_signed_in(request) -> bool:
    """False when the request has no session (no session cookie, as an API call with a token):
    its session user is anonymous, so the middlewares that ask whether it is authenticated
    need not build it (the session's read, ``auth.get_user``, django_otp's wrapper: ~25 us per
    API request, issue 16). Before a view, a session without a key has no user.

    The session is marked accessed as building its user did, so the answer still varies on
    ``Cookie`` (SessionMiddleware's ``Vary``) exactly as before."""
    session = getattr(request, "session", None)
    if session is None or session.session_key is not None:
        return True
    session.accessed = True
    return False


def stamp_login(sender, request=None, user=None, **kwargs) -> None:
    """``user_logged_in`` receiver: the session's clock starts at the login."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_LOGIN_AT] = int(time.time())


def is_past_lifetime(session) -> bool:
    started = session.get(SESSION_LOGIN_AT)
    if started is None:  # a session from before the stamp existed: its clock starts now
        session[SESSION_LOGIN_AT] = int(time.time())
        return False
    return time.time() - started >= float(settings.SESSION_ABSOLUTE_HOURS) * 3600


def touch(session) -> None:
    """Renew the idle timeout when its last renewal is older than SESSION_TOUCH_SECONDS."""
    now = int(time.time())
    touched = session.get(SESSION_TOUCHED_AT, 0)
    if now - touched >= getattr(settings, "SESSION_TOUCH_SECONDS", 60):
        session[SESSION_TOUCHED_AT] = now  # marks it modified: saved with a new expiry


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware: ends sessions older than SESSION_ABSOLUTE_HOURS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_be_signed_in(request):
            return self.get_response(request)
        if request.user.is_authenticated and is_past_lifetime(request.session):
            logout(request)
            if not request.path.startswith("/api/"):
                query = {"expirada": EXPIRED_ABSOLUTE}
                if request.method == "GET":
                    query["next"] = request.get_full_path()
                return redirect(f"{reverse('accounts:login')}?{urlencode(query)}")
        if request.user.is_authenticated:
            touch(request.session)
        return self.get_response(request)

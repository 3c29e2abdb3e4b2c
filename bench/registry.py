"""Benchmark scenarios. ``python -m bench.registry prepare NAME`` runs a scenario's set-up
inside Django (bench settings) and prints a JSON line: the URLs to hit and the headers
(session cookie, token) wrk must send."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    prepare: Callable[[], dict]
    raw_sql: str | None = None
    extra: Callable[[str, dict], str] | None = None


def session_cookie(user, oce_code=None) -> str:
    """A logged-in session for ``user`` with ``oce_code`` active, as a Cookie header value."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806

    from ecuapass.accounts.context import SESSION_OCE_CODE, SESSION_OCE_TYPE

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "ecuapass.accounts.backends.RucUserBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if oce_code is not None:
        store[SESSION_OCE_CODE] = oce_code.code
        store[SESSION_OCE_TYPE] = oce_code.registration.oce_type.code
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def demo_user():
    from ecuapass.accounts.context import usable_codes
    from ecuapass.accounts.models import User

    user = User.objects.get(login_ruc="0991003002001", username="demo")
    return user, usable_codes(user).order_by("code").first()


def prepare_frame() -> dict:
    user, oce = demo_user()
    return {
        "urls": [
            ("login page in the frame, anonymous", "/ingresar/"),
            ("main screen of the demo user (buzón + menus)", "/"),
        ],
        "env": {"WRK_COOKIE": session_cookie(user, oce)},
    }


SCENARIOS: list[Scenario] = [
    Scenario(
        name="frame",
        title="Frame: plain view vs pages in the portal frame",
        description="The page frame (header, four menus, left menu, breadcrumb) around the login page and the main screen.",
        prepare=prepare_frame,
    ),
]

try:  # scenarios of the later contexts register themselves here
    from bench import scenarios_contexts  # noqa: F401
except ImportError:
    pass


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from bench.registry import SCENARIOS as registered  # the module, not __main__

    if argv[:1] == ["prepare"]:
        scenario = next(s for s in registered if s.name == argv[1])
        print(json.dumps(scenario.prepare()))


if __name__ == "__main__":
    main(sys.argv[1:])

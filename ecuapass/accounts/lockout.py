"""The login's defences: the user's lockout (django-axes hooks, the buzón alerts) and the
per-address limit.

* The lock is the user's: ``AXES_FAILURE_LIMIT`` wrong passwords for one RUC + ID Usuario lock
  it, whatever addresses they came from (``AXES_LOCKOUT_PARAMETERS = ["username"]``).
* ``axes_username`` — the key axes counts failures under: ``<ruc>:<id usuario>``.
* ``lockout_response`` — the page a locked user sees (HTTP 403).
* On ``user_locked_out`` the user gets "COMUNICADO DE ECUAPASS - ALERTA DE
  BLOQUEO" (once per lockout); when the lock ends — the cool-off passes and
  axes removes the attempts, an officer deletes them in the admin or runs
  ``axes_reset``, or ``release_expired_lockouts`` runs — the user gets
  "COMUNICADO DE ECUAPASS - ALERTA DE DESBLOQUEO".
* ``take_address_attempt`` / ``give_back_address_attempt`` — apart from the users' locks, one
  client address (``core.client_ip``) may fail at most ``LOGIN_ADDRESS_LIMIT`` logins per
  ``LOGIN_ADDRESS_WINDOW_MINUTES``, whatever the users: each attempt takes one from the
  address's allowance before the password is checked (atomically, so parallel attempts cannot
  exceed it) and a successful login gives it back. Over the limit the login answers the same
  message for every RUC, ID Usuario and password, without checking them, so it tells nothing
  about which users exist.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ecuapass.core.client_ip import client_ip
from ecuapass.ratelimit.windows import FixedWindow, Hit

from .models import Lockout, User, UserManager

SUBJECT_LOCKED = "COMUNICADO DE ECUAPASS - ALERTA DE BLOQUEO"
SUBJECT_UNLOCKED = "COMUNICADO DE ECUAPASS - ALERTA DE DESBLOQUEO"


def axes_username(request, credentials=None) -> str:
    """The key axes counts failures under: ``<ruc>:<id usuario>``.

    Axes calls this with the credentials given to ``authenticate()`` (``ruc``,
    ``username``) when it records a failure, and with its own re-keyed copy
    (``login_key`` = the ID Usuario, since ``login_key`` is the user model's
    USERNAME_FIELD) when it checks a lock: both must give the same key.
    """
    from .forms import compact_id

    credentials = credentials or {}
    post = getattr(request, "POST", {}) if request is not None else {}
    ruc = credentials.get("ruc") or post.get("ruc", "")
    username = credentials.get("username") or credentials.get("login_key") or ""
    username = username or post.get("username", "")
    if not ruc and ":" in username:
        return username.strip().lower()  # an admin-style login with the login key itself
    return UserManager.make_login_key(compact_id(ruc or ""), username or "")


def cooloff() -> timedelta:
    value = settings.AXES_COOLOFF_TIME
    if isinstance(value, timedelta):
        return value
    return timedelta(hours=float(value or 0))


def cooloff_minutes() -> int:
    return max(1, int(cooloff().total_seconds() // 60))


def lockout_response(request, *args, **kwargs):
    return render(
        request,
        "accounts/locked.html",
        {"cooloff_minutes": cooloff_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=403,
    )


def _address_window() -> FixedWindow:
    return FixedWindow(
        "login-address", settings.LOGIN_ADDRESS_LIMIT, settings.LOGIN_ADDRESS_WINDOW_MINUTES * 60
    )


def take_address_attempt(request) -> Hit:
    """Count a login attempt against the client address's allowance (before the password)."""
    return _address_window().hit(client_ip(request))


def give_back_address_attempt(request) -> None:
    """A login that succeeded does not use up the address's allowance."""
    _address_window().release(client_ip(request))


def _user_for_key(login_key: str) -> User | None:
    return User.objects.filter(login_key=login_key).first()


def record_lockout(login_key: str, ip_address: str | None = None) -> Lockout | None:
    """Open a lockout and send the BLOQUEO alert, unless one is already open."""
    from ecuapass.notifications.models import Category
    from ecuapass.notifications.services import SENDER_SENAE, notify

    user = _user_for_key(login_key)
    if user is None:
        return None
    with transaction.atomic():
        if Lockout.objects.select_for_update().filter(user=user, released_on=None).exists():
            return None
        now = timezone.now()
        lockout = Lockout.objects.create(
            user=user, ip_address=ip_address or None, locked_on=now, unlocks_on=now + cooloff()
        )
        notify(
            sender=SENDER_SENAE,
            subject=SUBJECT_LOCKED,
            body=gettext_lazy(
                "Estimado usuario %(name)s: su usuario %(username)s del RUC %(ruc)s fue bloqueado el"
                " %(when)s después de %(n)s intentos fallidos de inicio de sesión. Se desbloqueará"
                " automáticamente en %(minutes)s minutos. Si usted no hizo estos intentos, cambie"
                " su contraseña y comuníquese con la Mesa de Servicios de SENAE."
            ),
            params={  # rendered in the reader's language when read
                "name": user.get_full_name(),
                "username": user.username,
                "ruc": user.login_ruc,
                "when": now,
                "n": settings.AXES_FAILURE_LIMIT,
                "minutes": cooloff_minutes(),
            },
            kind="cuenta.bloqueo",
            category=Category.SECURITY,
            user=user,
        )
    return lockout


def release_lockout(user: User, reason: str = "") -> Lockout | None:
    """Close the open lockout (if any) and send the DESBLOQUEO alert."""
    from ecuapass.notifications.models import Category
    from ecuapass.notifications.services import SENDER_SENAE, notify

    with transaction.atomic():
        lockout = Lockout.objects.select_for_update().filter(user=user, released_on=None).first()
        if lockout is None:
            return None
        now = timezone.now()
        lockout.released_on = now
        lockout.save(update_fields=["released_on"])
        notify(
            sender=SENDER_SENAE,
            subject=SUBJECT_UNLOCKED,
            body="%(texto)s %(motivo)s" if reason else "%(texto)s",
            params={  # rendered in the reader's language when read
                "texto": gettext_lazy(
                    "Estimado usuario %(name)s: su usuario %(username)s del RUC %(ruc)s fue"
                    " desbloqueado el %(when)s. Ya puede iniciar sesión en ECUAPASS."
                ),
                "name": user.get_full_name(),
                "username": user.username,
                "ruc": user.login_ruc,
                "when": now,
                "motivo": reason,
            },
            kind="cuenta.desbloqueo",
            category=Category.SECURITY,
            user=user,
        )
    return lockout


def release_expired_lockouts() -> int:
    """Release every lockout whose cool-off has passed (run by cron or a worker)."""
    from axes.utils import reset

    count = 0
    expired = Lockout.objects.filter(released_on=None, unlocks_on__lte=timezone.now())
    for lockout in list(expired.select_related("user")):
        reset(username=lockout.user.login_key)  # its post_delete signal may release it first
        release_lockout(lockout.user)
        count += 1
    return count


def unlock_user(user: User) -> None:
    """An officer's unlock: remove the axes attempts and send the DESBLOQUEO alert."""
    from axes.utils import reset

    reset(username=user.login_key)
    release_lockout(user)

"""REINICIAR CLAVE: a code by e-mail (15 minutes, single use) → a new password.

The answer never tells whether the user exists: an unknown (or not active) login gets a decoy
code row and a decoy e-mail job that sends nothing, so both paths do the same work. A reset
also lifts the user's lockout (django-axes) and sends the ALERTA DE DESBLOQUEO.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.accounts.models import User, UserManager

from . import codes
from .models import SecurityCode
from .tasks import send_code_email

P = SecurityCode.Purpose
SUBJECT_RESET = "COMUNICADO DE ECUAPASS - REINICIO DE CLAVE"
SUBJECT_CHANGED = "COMUNICADO DE ECUAPASS - CAMBIO DE CLAVE"


class InvalidCode(Exception):
    pass


def login_key(ruc: str, username: str) -> str:
    return UserManager.make_login_key(ruc, username)


def _resettable(key: str, kind: str) -> User | None:
    user = User.objects.filter(login_key=key, kind=kind).first()
    if user is None or not user.is_active or user.state != User.State.ACTIVE or not user.email:
        return None
    return user


def request_reset(*, kind: str, ruc: str, username: str) -> None:
    """Send a reset code to the user's e-mail if (kind, ruc, username) is an active user."""
    key = login_key(ruc, username)
    user = _resettable(key, kind)
    with transaction.atomic():
        code, raw = codes.issue(P.RESET, key, user=user, email=user.email if user else "")
        body = _(
            "Se solicitó reiniciar la clave del usuario %(username)s del RUC %(ruc)s."
            " Su código de seguridad es %(code)s; es válido por %(minutes)s minutos y se puede"
            " usar una sola vez. Si usted no lo solicitó, ignore este mensaje."
        ) % {"username": username, "ruc": ruc, "code": raw, "minutes": codes.code_minutes()}
        send_code_email.enqueue(code.pk, SUBJECT_RESET, body)


def confirm_reset(*, ruc: str, username: str, code: str, password: str) -> User:
    """Set the new password if ``code`` is the login's valid reset code; lift its lockout.

    Raises ``InvalidCode`` (wrong, used or expired code, unknown user: one message) or
    ``ValidationError`` (the password policy; the code is then not used up).
    """
    key = login_key(ruc, username)
    with transaction.atomic():
        found = codes.consume(P.RESET, key, code, require_user=True)
        if found is None:  # keep the counted try: raise after the transaction commits
            user = None
        else:
            user = _apply_reset(found, password)
    if user is None:
        raise InvalidCode
    return user


def _apply_reset(found, password: str) -> User:
    from axes.utils import reset as axes_reset

    from ecuapass.accounts.lockout import release_lockout
    from ecuapass.notifications.models import Category
    from ecuapass.notifications.services import SENDER_SENAE, notify

    user = User.objects.select_for_update().get(pk=found.user_id)
    validate_password(password, user)  # rolls the use of the code back
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=user.login_key)
    release_lockout(user, reason=_("La clave fue reiniciada por el usuario."))
    notify(
        sender=SENDER_SENAE,
        subject=SUBJECT_CHANGED,
        body=_(
            "Estimado usuario %(name)s: la clave de su usuario %(username)s del RUC %(ruc)s"
            " fue cambiada el %(when)s. Si usted no hizo este cambio, comuníquese con la"
            " Mesa de Servicios de SENAE."
        )
        % {
            "name": user.get_full_name(),
            "username": user.username,
            "ruc": user.login_ruc,
            "when": timezone.localtime().strftime("%d/%m/%Y %H:%M:%S"),
        },
        category=Category.SECURITY,
        user=user,
    )
    return user


__all__ = ["InvalidCode", "ValidationError", "confirm_reset", "request_reset"]

"""The second factor (TOTP, django-otp): who needs it, enrolment, verification, lockout.

* Officers (any user with an ``Officer`` profile) and the back office's staff and superusers
  (``accounts.admin_site``) always need it; representatives need it
  when ``REQUIRE_TOTP_FOR_REPRESENTATIVES`` is on; any other user who enabled it
  (a confirmed ``TOTPDevice``) needs it too. ``required(user)`` is the one rule.
* After the password step, a session that needs it and is not verified reaches only the OTP
  step (``SecondFactorMiddleware``). A user without a confirmed device enrols there: the secret
  and its QR code show until the first correct code confirms the device, never again.
* ``verify`` checks a code under the device's row lock. A wrong code is a failed login for
  django-axes (the same lockout as wrong passwords: ``AXES_FAILURE_LIMIT`` failures lock the
  user, log the session out and send the buzón alert); django-otp's throttling also makes each
  wrong code double the wait before the next one (``OTP_TOTP_THROTTLE_FACTOR`` seconds), and
  that count survives new password logins until a correct code.
"""

from __future__ import annotations

import enum
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "ECUAPASS"
SESSION_REQUIRED = "ecuapass_second_factor"  # {"user": pk, "required": bool}, once per session


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


# Profiles whose holders always need the second factor ("app_label.Model" with a ``user``):
# SENAE's officers here; other contexts add theirs (the control agencies' staff, ecuapass.vue).
MANDATORY_PROFILES = ["officers.Officer"]


def _profile_exists():
    from functools import reduce
    from operator import or_

    from django.apps import apps

    return reduce(
        or_,
        (
            Exists(apps.get_model(label).objects.filter(user_id=OuterRef("pk")))
            for label in MANDATORY_PROFILES
        ),
    )


def is_officer(user) -> bool:
    """Holds a profile that always needs the second factor (an officer, an agency's staff)."""
    return get_user_model().objects.filter(pk=user.pk).filter(_profile_exists()).exists()


def is_back_office(user) -> bool:
    """Staff or superuser: may open the back office (Django admin), so always needs the factor."""
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def mandatory(user) -> bool:
    """The user may not go without a second factor (officers, back office staff;
    representatives by setting)."""
    if is_back_office(user) or is_officer(user):
        return True
    return bool(getattr(settings, "REQUIRE_TOTP_FOR_REPRESENTATIVES", False)) and getattr(
        user, "is_representative", False
    )


def required(user) -> bool:
    """A password alone does not open a session for ``user`` (one query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_back_office(user):
        return True
    if getattr(settings, "REQUIRE_TOTP_FOR_REPRESENTATIVES", False) and getattr(
        user, "is_representative", False
    ):
        return True
    device = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    users = get_user_model().objects.filter(pk=user.pk)
    return users.filter(_profile_exists() | Exists(device)).exists()


def remember_requirement(request, user) -> None:
    """Decide at login whether the session needs the OTP step (no query on later requests)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_REQUIRED] = {"user": user.pk, "required": required(user)}


def is_verified(user) -> bool:
    """The session passed the second factor (``django_otp``'s OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def pending_for_session(request) -> bool:
    """This session's user needs the OTP step now (decided once per session and user)."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    cached = request.session.get(SESSION_REQUIRED)
    if isinstance(cached, dict) and cached.get("user") == user.pk:
        return bool(cached.get("required"))
    remember_requirement(request, user)  # a session opened before this rule existed
    return request.session[SESSION_REQUIRED]["required"]


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (created with a fresh random secret)."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as TOTP apps take it (RFC 4648 base32, no padding)."""
    return b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URI of ``device`` as an inline SVG QR code."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def current_code(device: TOTPDevice) -> str:
    """The code ``device`` accepts now (``manage.py demo_totp``, tests)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Outcome(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    THROTTLED = "throttled"
    LOCKED = "locked"


@dataclass
class Result:
    outcome: Outcome
    wait_seconds: int = 0
    enrolled: bool = False
    device: TOTPDevice | None = None


def check_code(request, device: TOTPDevice, code: str) -> Result:
    """Check ``code`` against ``device`` of the session's user, under the device's row lock.

    A device being enrolled is confirmed by its first correct code. A wrong code counts as a
    failed login (``_failed``); while django-otp throttles the device, nothing is checked.
    """
    user = request.user
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user_id=user.pk)
        allowed, info = locked.verify_is_allowed()
        if not allowed:
            until = (info or {}).get("locked_until")
            wait = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
            return Result(Outcome.THROTTLED, wait_seconds=wait, device=locked)
        ok = locked.verify_token(code.strip())
        enrolled = False
        if ok and not locked.confirmed:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
            enrolled = True
    if not ok:
        return _failed(request, user)
    _clear_failures(user)
    return Result(Outcome.VERIFIED, enrolled=enrolled, device=locked)


# Other ways to pass the step (recovery codes: ``registro.recovery``): callables
# ``(user, code) -> django-otp device | None`` tried before the TOTP code.
_RECOVERY: list = []


def register_recovery(fn) -> None:
    if fn not in _RECOVERY:
        _RECOVERY.append(fn)


def verify(request, code: str, *, device: TOTPDevice) -> Result:
    """The OTP step: a correct code marks the session verified and rotates its key."""
    if device.confirmed:
        for recover in _RECOVERY:
            used = recover(request.user, code)
            if used is not None:
                _clear_failures(request.user)
                otp_login(request, used)
                request.session.cycle_key()
                request.session[SESSION_REQUIRED] = {"user": request.user.pk, "required": True}
                return Result(Outcome.VERIFIED, device=used)
    result = check_code(request, device, code)
    if result.outcome is Outcome.VERIFIED:
        otp_login(request, result.device)
        request.session.cycle_key()
        request.session[SESSION_REQUIRED] = {"user": request.user.pk, "required": True}
    return result


def _failed(request, user) -> Result:
    """A wrong code counts as a failed login (django-axes); at the limit the user is locked."""
    user_login_failed.send(
        sender=__name__,
        credentials={"ruc": user.login_ruc, "username": user.username},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        logout(request)  # AxesMiddleware answers with the lockout page
        return Result(Outcome.LOCKED)
    return Result(Outcome.WRONG)


def _clear_failures(user) -> None:
    from axes.utils import reset

    reset(username=user.login_key)


def disable(request) -> None:
    """Remove the session user's TOTP devices (an operator turning the optional factor off)."""
    TOTPDevice.objects.filter(user_id=request.user.pk).delete()
    request.session[SESSION_REQUIRED] = {"user": request.user.pk, "required": False}

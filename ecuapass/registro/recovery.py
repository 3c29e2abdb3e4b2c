"""Recovery codes for the second factor (django-otp's static device): 10 single-use codes of 8
digits, shown once, accepted by the OTP step in place of the TOTP code (hooked into
``officers.second_factor`` with ``register_recovery``). A new set replaces the old one.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

DEVICE_NAME = "ECUAPASS-RECUPERACION"
COUNT = 10
DIGITS = 8


def generate(user) -> list[str]:
    codes = [f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}" for _ in range(COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user_id=user.pk, name=DEVICE_NAME).delete()
        device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def remaining(user) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__name=DEVICE_NAME).count()


def use(user, code: str):
    """The static device if ``code`` is one of the user's unused recovery codes (consumed)."""
    code = (code or "").strip()
    if len(code) != DIGITS or not code.isdigit():
        return None
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user_id=user.pk, name=DEVICE_NAME, confirmed=True)
            .first()
        )
        if device is not None and device.verify_token(code):
            return device
    return None

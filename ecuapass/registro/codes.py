"""Single-use security codes sent by e-mail, valid ``CODE_MINUTES`` (15), stored hashed.

``issue(purpose, key, …)`` returns the raw code (to put in the e-mail) and voids the older
codes of the same purpose and key; ``consume(purpose, key, raw)`` accepts a code once, under a
row lock, and counts wrong tries (``MAX_ATTEMPTS`` void it).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import SecurityCode

MAX_ATTEMPTS = 5


def code_minutes() -> int:
    return int(getattr(settings, "SECURITY_CODE_MINUTES", 15))


def _hash(purpose: str, key: str, raw: str) -> str:
    return salted_hmac("ecuapass.registro.code", f"{purpose}:{key}:{raw.strip()}").hexdigest()


def issue(purpose: str, key: str, *, user=None, email: str = "") -> tuple[SecurityCode, str]:
    raw = f"{secrets.randbelow(10**8):08d}"
    now = timezone.now()
    with transaction.atomic():
        SecurityCode.objects.filter(purpose=purpose, key=key, used_on=None).update(used_on=now)
        code = SecurityCode.objects.create(
            purpose=purpose,
            key=key,
            user=user,
            email=email,
            code_hash=_hash(purpose, key, raw),
            created_on=now,
            expires_on=now + timedelta(minutes=code_minutes()),
        )
    return code, raw


def consume(purpose: str, key: str, raw: str, *, require_user: bool = False) -> SecurityCode | None:
    """The code, marked used, if ``raw`` is the current code of (purpose, key); else None.

    Call it inside the caller's transaction: if the caller fails afterwards (e.g. the new
    password is refused), the use of the code rolls back with it. ``require_user``: decoy
    codes (no user) never match.
    """
    now = timezone.now()
    with transaction.atomic():
        code = (
            SecurityCode.objects.select_for_update()
            .filter(purpose=purpose, key=key, used_on=None, expires_on__gt=now)
            .order_by("-created_on", "-id")
            .first()
        )
        if code is None or (require_user and code.user_id is None):
            return None
        if not constant_time_compare(code.code_hash, _hash(purpose, key, raw or "")):
            code.attempts += 1
            if code.attempts >= MAX_ATTEMPTS:
                code.used_on = now
            code.save(update_fields=["attempts", "used_on"])
            return None
        code.used_on = now
        code.save(update_fields=["used_on"])
        return code

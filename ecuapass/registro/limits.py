"""Rate limits of the public account screens (per client address), on ``ratelimit.FixedWindow``."""

from __future__ import annotations

from django.conf import settings

from ecuapass.core.client_ip import client_ip
from ecuapass.ratelimit.windows import FixedWindow, Hit

DEFAULTS = {
    # scope: (limit, seconds)
    "reset": (10, 15 * 60),
    "registro": (10, 15 * 60),
    "disponibilidad": (30, 15 * 60),
    "codigo": (20, 15 * 60),
    # per login (RUC + ID Usuario), whoever asks: no mail-bombing one user's inbox
    "reset-login": (3, 15 * 60),
}


def hit(scope: str, request, ident: str | None = None) -> Hit:
    """Count one use of ``scope`` by the client address, or by ``ident`` (outside transactions)."""
    limit, seconds = getattr(settings, "REGISTRO_RATE_LIMITS", {}).get(scope, DEFAULTS[scope])
    return FixedWindow(f"registro-{scope}", limit, seconds).hit(ident or client_ip(request))

"""Rate limits of the API: anonymous callers at the "public" rate per client address
(``core.client_ip``: X-Forwarded-For only from a trusted proxy), operators' software at the
"operator" rate per user. Rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]; counted in fixed
windows by ``ratelimit.windows.FixedWindow``, atomically, so parallel requests cannot exceed
them. Hits are leased to the process a few at a time (``lease_for``): one request in that many
increments the shared count (``FixedWindow``'s lease; the limit still holds across processes)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from ecuapass.core.client_ip import client_ip
from ecuapass.ratelimit.windows import FixedWindow


def lease_for(limit: int) -> int:
    """Hits taken from the shared count at once: 1 (every request counts) for small limits,
    up to 20 for large ones (600/min: 12, so 1 request in 12 writes the count)."""
    return max(1, min(20, limit // 50))


class ApiThrottle(SimpleRateThrottle):
    """Only DRF's rate parsing and THROTTLE_RATES are used; the count is FixedWindow's."""

    def __init__(self):  # the rate depends on the caller: resolved in allow_request
        self.hit = None

    def allow_request(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            scope, ident = "operator", f"user-{user.pk}"
        else:
            scope, ident = "public", client_ip(request)
        rate = self.THROTTLE_RATES.get(scope)
        if rate is None:
            return True
        limit, seconds = self.parse_rate(rate)
        self.hit = FixedWindow(f"api-{scope}", limit, seconds, lease=lease_for(limit)).hit(ident)
        return self.hit.allowed

    def wait(self):
        return self.hit.retry_after if self.hit is not None else None

"""Rate limits of the API: anonymous callers at the "public" rate (per IP), operators'
software at the "operator" rate (per user). Rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

from rest_framework.throttling import UserRateThrottle


class ApiThrottle(UserRateThrottle):
    scope = "public"

    def __init__(self):  # the rate depends on the caller: resolved in allow_request
        pass

    def allow_request(self, request, view):
        user = getattr(request, "user", None)
        self.scope = "operator" if user is not None and user.is_authenticated else "public"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

"""A session that needs the second factor reaches only the OTP step until it passes it.

After the password step (``accounts.views.login_view`` logs the user in and sends them to the
Tipo de OCE step), an officer — or an operator who enabled TOTP — is taken to
``/interno/verificar/`` instead; any other page answers the same redirect (an API call, 403
JSON) until a correct code verifies the session. Must come after ``AuthenticationMiddleware``
and the OTP middleware (``accounts.sessions.OTPMiddleware``, django_otp's).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from ecuapass.accounts.session_lifetime import may_be_signed_in

from . import second_factor


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> frozenset[str]:
        """The pages a session waiting for its code may still open."""
        return frozenset(
            reverse(name)
            for name in (
                "interno:verificar",
                "accounts:login",
                "accounts:logout",
                "accounts:keepalive",
                "set_language",
                "javascript-catalog",
                "core:healthz",
            )
        )

    def _open(self, path: str) -> bool:
        return path in self.open_paths or path.startswith(settings.STATIC_URL)

    def __call__(self, request):
        if (
            may_be_signed_in(request)
            and request.user.is_authenticated
            and not self._open(request.path_info)
            and second_factor.pending_for_session(request)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": "second_factor_required",
                        "detail": _("Complete la verificación en dos pasos para continuar."),
                    },
                    status=403,
                )
            return redirect("interno:verificar")
        return self.get_response(request)

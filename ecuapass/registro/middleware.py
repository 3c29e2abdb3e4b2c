"""The annual update's enforcement (``annual``): an overdue representative's portal session
reaches only the confirmation page, 3.2.3 and the way out. Decided once per session."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from ecuapass.accounts.session_lifetime import may_be_signed_in

from . import annual

ALLOWED_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/salir/", "/healthz")


class AnnualUpdateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None) if may_be_signed_in(request) else None
        if user is not None and user.is_authenticated and annual.applies_to(user):
            mark = annual.session_mark()
            # A session already checked for this mark goes on whatever the path (as it did
            # when the path was looked at first): the three reverse() only when it is not.
            if request.session.get(annual.SESSION_OK) != mark:
                allowed = (
                    reverse("registro_modificar:actualizacion_anual"),
                    reverse("registro_modificar:modificar"),
                    reverse("registro:convenio"),
                )
                path = request.path
                if not path.startswith(ALLOWED_PREFIXES + allowed) and not path.startswith("/api/"):
                    if annual.overdue(user):
                        return redirect("registro_modificar:actualizacion_anual")
                    request.session[annual.SESSION_OK] = mark
        return self.get_response(request)

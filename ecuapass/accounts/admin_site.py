"""The back office (Django admin): staff only, and only in a session that passed the second factor.

``BackOfficeSite`` is the project's default admin site (``apps.BackOfficeAdminConfig`` in
INSTALLED_APPS), so every ``@admin.register`` lands on it and every admin page goes through
``has_permission`` — the one place that asks for the second factor. Staff and superusers always
need it (``officers.second_factor.required``): the login sends them to the OTP step (enrolment
the first time, as for officers); a session that reaches the admin unverified anyway (opened
before the user became staff) is sent there too, then back to the page it asked for.
Nobody signs in on the admin's own login page: it redirects to the portal's login.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from ecuapass.officers import second_factor


class BackOfficeSite(admin.AdminSite):
    site_header = "ECUAPASS — back office"
    site_title = "ECUAPASS"

    def has_permission(self, request):
        return super().has_permission(request) and second_factor.is_verified(request.user)

    def login(self, request, extra_context=None):
        from .views import SESSION_NEXT, _safe_next

        next_url = _safe_next(request, request.GET.get("next")) or request.get_full_path()
        user = request.user
        if user.is_active and user.is_staff and not second_factor.is_verified(user):
            request.session[SESSION_NEXT] = next_url  # back here once the code is right
            return redirect("interno:verificar")
        return redirect_to_login(next_url)

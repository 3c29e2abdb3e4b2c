"""Menu-option permissions for views: ``menu_option_required`` and friends.

A user who opens a screen whose menu entry they are not granted gets the 403
page "No está asignado el permiso al usuario.".
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from ecuapass.accounts.context import get_active_oce

from .menu import rule_allows, rule_for, user_has_option  # noqa: F401 - re-exported
from .models import Access

NOT_GRANTED = _("No está asignado el permiso al usuario.")


def check_menu_option(request, number: str):
    """None when allowed; otherwise the response to return (redirect) or raise 403.

    Sets ``request.oce`` (the active OCE, or None on public screens).
    """
    rule = rule_for(number)
    user = request.user
    if rule is not None and rule.access == Access.PUBLIC:
        request.oce = get_active_oce(request) if user.is_authenticated else None
        return None
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    oce = get_active_oce(request)
    if oce is None:
        return redirect("accounts:select_type")
    request.oce = oce
    if rule is None or not user_has_option(user, oce, number):
        raise PermissionDenied(NOT_GRANTED)
    return None


def menu_option_required(number: str):
    """View decorator: login, an active OCE and menu entry ``number`` granted.

    It does the work of ``@oce_required`` itself (login → ``accounts:login``,
    no active OCE → ``accounts:select_type``, then ``request.oce`` is set), so
    it may be used alone or together with ``@oce_required`` in either order.
    The documented order is::

        @menu_option_required("1.3")
        @oce_required
        def estados(request): ...

    For a public entry (access ``publico``, e.g. 2.1.1) anonymous users pass and
    ``request.oce`` is the active OCE or None. Not granted → 403 with
    "No está asignado el permiso al usuario.".
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = check_menu_option(request, number)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        wrapper.menu_option = number
        return wrapper

    return decorator


class MenuOptionRequiredMixin:
    """Class-based views: ``menu_option = "1.3"``; same checks as ``menu_option_required``."""

    menu_option: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.menu_option:
            raise PermissionDenied(NOT_GRANTED)
        response = check_menu_option(request, self.menu_option)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

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

from .menu import rule_allows, rule_for, rule_of, user_has_option  # noqa: F401 - re-exported
from .models import Access

NOT_GRANTED = _("No está asignado el permiso al usuario.")


def holds_any_option(user, oce, numbers) -> bool:
    """Does ``user``, acting as ``oce``, hold at least one of the menu options ``numbers``?

    The one grant check of the project: portal views (``menu_option_required``),
    API endpoints (``ecuapass.api.permissions.MenuOptionGranted``), downloads and
    token creation all end here, evaluated on every request, so withdrawing a
    grant takes effect at once (also for API tokens already issued).
    """
    return any(user_has_option(user, oce, number) for number in numbers)


def require_option(user, oce, *numbers: str) -> None:
    """Raise 403 "No está asignado el permiso al usuario." unless one of ``numbers`` is held."""
    if not numbers or not holds_any_option(user, oce, numbers):
        raise PermissionDenied(NOT_GRANTED)


def _is_public(numbers, user=None, oce=None) -> bool:
    rules = [rule_of(user, n, oce) for n in numbers]
    return bool(rules) and all(r is not None and r.access == Access.PUBLIC for r in rules)


def check_menu_option(request, *numbers: str):
    """None when allowed; otherwise the response to return (redirect) or raise 403.

    Allowed when the user holds any of the menu entries ``numbers`` on the active
    OCE. Sets ``request.oce`` (the active OCE, or None on public screens).
    """
    user = request.user
    oce = get_active_oce(request) if user.is_authenticated else None
    if _is_public(numbers, user, oce):
        request.oce = oce
        return None
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if oce is None:
        return redirect("accounts:select_type")
    request.oce = oce
    require_option(user, oce, *numbers)
    return None


def menu_option_required(*numbers: str):
    """View decorator: login, an active OCE and menu entry ``number`` granted.

    With several numbers, any one of them grants access (e.g. the API token
    screen serves whoever may use 1.1 or 1.3 through the API).

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
            response = check_menu_option(request, *numbers)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        wrapper.menu_options = numbers
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

"""Who may open the agencies' workbench: an active staff member of an agency, past the second
factor (the same OTP step as SENAE's officers), holding one of the roles. One rule for the portal
(``funcionario_required``) and the API (``FuncionarioGranted``). On the API an agency's own system
may act with a token issued to one of its staff (``FuncionarioToken``): the token stands for the
second factor, as SENAE's systems' tokens do (``officers.access``); the rol is still checked."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from ecuapass.officers import second_factor

from .authentication import FuncionarioTokenAuthentication
from .models import Funcionario, FuncionarioToken


def funcionario_of(user) -> Funcionario | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Funcionario.objects.active()
        .select_related("entidad", "user")
        .filter(user_id=user.pk)
        .first()
    )


def check(user, roles=(), *, auth=None) -> tuple[Funcionario | None, str]:
    """(the staff member allowed in, "") or (None, why not: anonymous / not_staff / unverified / role).

    ``auth``: the request's token (DRF's ``request.auth``); a ``FuncionarioToken`` names its staff
    member, whom its authentication found usable, and needs no second factor."""
    if user is None or not user.is_authenticated:
        return None, "anonymous"
    system = isinstance(auth, FuncionarioToken)
    funcionario = auth.funcionario if system else funcionario_of(user)
    if funcionario is None:
        return None, "not_staff"
    if not system and not second_factor.is_verified(user):
        return None, "unverified"
    if roles and funcionario.rol not in roles:
        return None, "role"
    return funcionario, ""


MESSAGES = {
    "not_staff": lambda: _("Esta opción es de los funcionarios de las entidades de control."),
    "unverified": lambda: _("Complete la verificación en dos pasos para continuar."),
    "role": lambda: _("Su rol en la entidad no permite esta opción."),
}


def funcionario_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            funcionario, reason = check(request.user, roles)
            if reason == "anonymous":
                return redirect_to_login(request.get_full_path())
            if reason == "unverified":
                return redirect("interno:verificar")
            if reason:
                return render(
                    request, "interno/forbidden.html", {"reason": MESSAGES[reason]()}, status=403
                )
            request.funcionario = funcionario
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class FuncionarioGranted(BasePermission):
    """DRF: ``view.vue_roles[method]`` names the roles (fail closed for other methods)."""

    def has_permission(self, request, view):
        declared = getattr(view, "vue_roles", {}) or {}
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        if method not in declared:
            raise exceptions.PermissionDenied(
                _("Este método no está permitido a ningún rol en este recurso.")
            )
        funcionario, reason = check(request.user, declared[method], auth=request.auth)
        if reason == "anonymous":
            raise exceptions.NotAuthenticated()
        if reason:
            raise exceptions.PermissionDenied(MESSAGES[reason]())
        request.funcionario = funcionario
        return True


class FuncionarioAPIMixin:
    authentication_classes = [FuncionarioTokenAuthentication, SessionAuthentication]
    permission_classes = [FuncionarioGranted]
    vue_roles: dict[str, tuple[str, ...]] = {}

"""The three-step login (RUC + ID Usuario + Contraseña → Tipo de OCE → código de OCE)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .context import clear_active_oce, set_active_oce, usable_codes
from .forms import LoginForm, OceCodeForm, OceTypeForm
from .session_lifetime import EXPIRED_ABSOLUTE

SESSION_NEXT = "ecuapass_login_next"
SESSION_PENDING_TYPE = "ecuapass_pending_type"


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _after_oce(request):
    target = request.session.pop(SESSION_NEXT, "") or resolve_url(settings.LOGIN_REDIRECT_URL)
    return redirect(target)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    """Page 1: RUC, ID Usuario, Contraseña → "Iniciar Sesión"."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.method == "GET":
        return redirect("accounts:select_type")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)  # rotates the session id
        clear_active_oce(request)
        if next_url:
            request.session[SESSION_NEXT] = next_url
        return redirect("accounts:select_type")
    hours = settings.SESSION_ABSOLUTE_HOURS
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "expired": request.GET.get("expirada") == "1",
            "expired_absolute": request.GET.get("expirada") == EXPIRED_ABSOLUTE,
            "session_hours": int(hours) if float(hours).is_integer() else hours,
        },
        status=429 if form.is_bound and form.throttled else 200,
    )


def _types_of(codes) -> list:
    types = {}
    for code in codes:
        oce_type = code.registration.oce_type
        types.setdefault(oce_type.code, oce_type)
    return [types[k] for k in sorted(types)]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def select_type(request):
    """Page 2: Tipo de OCE — only the types this user holds."""
    codes = list(usable_codes(request.user))
    if not codes:
        # Usuario General, officers: no OCE; the personal buzón and public services.
        clear_active_oce(request)
        return _after_oce(request)
    types = _types_of(codes)
    form = OceTypeForm(request.POST or None, types=types)
    if request.method == "GET" and len(types) == 1:
        form = OceTypeForm(initial={"oce_type": types[0].code}, types=types)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_PENDING_TYPE] = form.cleaned_data["oce_type"]
        return redirect("accounts:select_code")
    return render(request, "accounts/select_type.html", {"form": form, "step": 2})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def select_code(request):
    """Page 3: código de OCE under the chosen type; skipped when there is one → "Ingresar"."""
    type_code = request.session.get(SESSION_PENDING_TYPE)
    if not type_code:
        return redirect("accounts:select_type")
    codes = list(usable_codes(request.user).filter(registration__oce_type__code=type_code))
    if not codes:
        messages.error(request, _("No tiene códigos de OCE activos de ese tipo."))
        return redirect("accounts:select_type")
    if len(codes) == 1:
        return _enter(request, codes[0])
    form = OceCodeForm(request.POST or None, codes=codes)
    if request.method == "POST" and form.is_valid():
        chosen = next(c for c in codes if c.code == form.cleaned_data["oce_code"])
        return _enter(request, chosen)
    return render(
        request,
        "accounts/select_code.html",
        {"form": form, "step": 3, "oce_type": codes[0].registration.oce_type},
    )


def _enter(request, oce):
    set_active_oce(request, oce)
    request.session.pop(SESSION_PENDING_TYPE, None)
    request.session.cycle_key()
    return _after_oce(request)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_oce(request):
    """Cambiar OCE: back to page 2 without a new login."""
    clear_active_oce(request)
    return redirect("accounts:select_type")


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request):
    """Cerrar sesión (POST); a GET shows the confirmation button."""
    if request.method == "POST":
        logout(request)
        messages.success(request, _("Sesión cerrada."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if not request.user.is_authenticated:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/logout.html")


@never_cache
@login_required
def keepalive(request):
    """The idle-warning's "Continuar sesión": extends the session now."""
    request.session.modified = True
    return HttpResponse(status=204)

"""The portal interno's home, the OTP step after the password, and the user's TOTP screen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ecuapass.accounts.lockout import lockout_response

from . import second_factor
from .access import officer_required
from .forms import OtpCodeForm
from .second_factor import Outcome
from .services import officer_of


@never_cache
@officer_required()
def home(request):
    """The officer's start page: roles, distritos and the workspace's options."""
    officer = request.officer
    distritos = list(officer.distritos.order_by("code"))
    return render(
        request,
        "interno/home.html",
        {"officer": officer, "distritos": distritos, "all_distritos": officer.acts_everywhere},
    )


# Where staff without códigos de OCE land after the second factor: (is it theirs?, URL name).
# SENAE's officers here; other contexts append theirs (the agencies' workbench, ecuapass.vue).
LANDINGS = [(lambda user: officer_of(user) is not None, "interno:home")]


def _onward(request):
    """Where the login goes on after the second factor."""
    from ecuapass.accounts.views import SESSION_NEXT

    for applies, url_name in LANDINGS:
        if applies(request.user):
            return redirect(request.session.pop(SESSION_NEXT, "") or url_name)
    return redirect("accounts:select_type")  # the OCE steps keep the login's «next»


def _refusal(form, result) -> None:
    if result.outcome is Outcome.THROTTLED:
        form.add_error(
            "code",
            ngettext(
                "Demasiados códigos incorrectos: espere %(n)s segundo antes de intentar de nuevo.",
                "Demasiados códigos incorrectos: espere %(n)s segundos antes de intentar de nuevo.",
                result.wait_seconds,
            )
            % {"n": result.wait_seconds},
        )
    else:
        form.add_error("code", _("El código de verificación no es correcto."))


def _enrolment(device) -> dict:
    return {
        "secret": second_factor.secret_base32(device),
        "qr_svg": second_factor.qr_svg(device),
    }


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The OTP step after the password (and the enrolment of a first device)."""
    user = request.user
    if second_factor.is_verified(user) or not second_factor.required(user):
        return _onward(request)
    device = second_factor.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = second_factor.enrolment_device(user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor.verify(request, form.cleaned_data["code"], device=device)
        if result.outcome is Outcome.VERIFIED:
            if result.enrolled:
                messages.success(request, _("Verificación en dos pasos activada."))
            return _onward(request)
        if result.outcome is Outcome.LOCKED:
            return lockout_response(request)
        _refusal(form, result)
    context = {"form": form, "enrolling": enrolling, "secret": "", "qr_svg": ""}
    if enrolling:
        context.update(_enrolment(device))
    return render(request, "interno/verify.html", context)


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_settings(request):
    """Seguridad: turn the optional TOTP on (enrol) or off; officers' is mandatory."""
    user = request.user
    device = second_factor.confirmed_device(user)
    mandatory = second_factor.mandatory(user)
    action = request.POST.get("accion", "")
    form = OtpCodeForm(request.POST if action in ("confirmar", "desactivar") else None)
    enrolment = None
    if request.method == "POST" and device is None and action in ("activar", "confirmar"):
        pending = second_factor.enrolment_device(user)
        enrolment = _enrolment(pending)
        if action == "confirmar" and form.is_valid():
            result = second_factor.verify(request, form.cleaned_data["code"], device=pending)
            if result.outcome is Outcome.VERIFIED:
                messages.success(request, _("Verificación en dos pasos activada."))
                return redirect("seguridad:segundo_factor")
            if result.outcome is Outcome.LOCKED:
                return lockout_response(request)
            _refusal(form, result)
    elif request.method == "POST" and device is not None and action == "desactivar":
        if mandatory:
            messages.error(
                request, _("Para su usuario la verificación en dos pasos es obligatoria.")
            )
            return redirect("seguridad:segundo_factor")
        if form.is_valid():
            result = second_factor.check_code(request, device, form.cleaned_data["code"])
            if result.outcome is Outcome.VERIFIED:
                second_factor.disable(request)
                messages.success(request, _("Verificación en dos pasos desactivada."))
                return redirect("seguridad:segundo_factor")
            if result.outcome is Outcome.LOCKED:
                return lockout_response(request)
            _refusal(form, result)
    return render(
        request,
        "seguridad/segundo_factor.html",
        {
            "enabled": device is not None,
            "mandatory": mandatory,
            "form": form,
            "enrolling": enrolment is not None,
            **(enrolment or {"secret": "", "qr_svg": ""}),
        },
    )

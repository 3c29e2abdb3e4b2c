"""Public account screens: REINICIAR CLAVE and NUEVO REGISTRO (thin; services do the work)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ecuapass.core.uploads import upload_limit

from . import codes, limits, reset, services
from .forms import (
    DOCUMENT_MAX_BYTES,
    AvailabilityForm,
    CodeForm,
    RegistroForm,
    ResetConfirmForm,
    ResetRequestForm,
)
from .models import Solicitud

SESSION_RESET = "ecuapass_reset_login"
THROTTLED = 429


def throttled(request, template, context):
    context["throttled"] = _(
        "Demasiadas solicitudes desde su dirección de red. Intente nuevamente más tarde."
    )
    return render(request, template, context, status=THROTTLED)


@never_cache
@require_http_methods(["GET", "POST"])
def reiniciar_clave(request):
    """REINICIAR CLAVE, step 1: Clasificación de usuario, RUC empresa, ID Usuario."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = reset.login_key(data["ruc"], data["username"])
        if not (
            limits.hit("reset", request).allowed and limits.hit("reset-login", request, key).allowed
        ):
            return throttled(request, "registro/reset_request.html", {"form": form})
        reset.request_reset(kind=data["kind"], ruc=data["ruc"], username=data["username"])
        request.session[SESSION_RESET] = {"ruc": data["ruc"], "username": data["username"]}
        messages.info(
            request,
            _(
                "Si los datos corresponden a un usuario registrado, se envió un código de"
                " seguridad a su correo electrónico. Es válido por %(minutes)s minutos."
            )
            % {"minutes": codes.code_minutes()},
        )
        return redirect("registro:reiniciar_codigo")
    return render(request, "registro/reset_request.html", {"form": form})


@sensitive_post_parameters("password1", "password2", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def reiniciar_codigo(request):
    """REINICIAR CLAVE, step 2: the code and the new password."""
    initial = request.session.get(SESSION_RESET) or {}
    form = ResetConfirmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not limits.hit("codigo", request).allowed:
            return throttled(request, "registro/reset_confirm.html", {"form": form})
        data = form.cleaned_data
        try:
            reset.confirm_reset(
                ruc=data["ruc"],
                username=data["username"],
                code=data["code"],
                password=data["password1"],
            )
        except reset.InvalidCode:
            form.add_error(
                "code", _("El código de seguridad no es correcto, ya fue usado o expiró.")
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            request.session.pop(SESSION_RESET, None)
            messages.success(request, _("Su clave fue cambiada. Ingrese con su nueva contraseña."))
            return redirect("accounts:login")
    return render(request, "registro/reset_confirm.html", {"form": form})


# --- NUEVO REGISTRO ------------------------------------------------------------------------
SESSION_SOLICITUD = "ecuapass_solicitud"


@never_cache
def nuevo_registro(request):
    """NUEVO REGISTRO: choose the kind of user."""
    return render(request, "registro/nuevo.html", {"kinds": Solicitud.Kind.choices})


def _check_availability(request, form):
    if not limits.hit("disponibilidad", request).allowed:
        return throttled(request, "registro/solicitud.html", {"form": form})
    check = AvailabilityForm(request.POST)
    if check.is_valid():
        free = services.availability(check.cleaned_data["ruc"], check.cleaned_data["username"])
        if free:
            messages.success(request, _("El ID Usuario está disponible."))
        else:
            messages.error(request, _("El ID Usuario no está disponible para este RUC."))
    else:
        messages.error(request, _("Ingrese el RUC y el ID Usuario para comprobar."))
    form = RegistroForm(initial=request.POST.dict(), kind=form.kind)
    return render(request, "registro/solicitud.html", {"form": form})


@sensitive_post_parameters("password1", "password2")
@upload_limit(DOCUMENT_MAX_BYTES)
@never_cache
@require_http_methods(["GET", "POST"])
def solicitud(request, kind: str):
    """The solicitud de uso of one kind of user, with "Comprobar disponibilidad"."""
    if kind not in Solicitud.Kind.values:
        raise Http404
    form = RegistroForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and request.POST.get("accion") == "disponibilidad":
        return _check_availability(request, form)
    if request.method == "POST":
        if not limits.hit("registro", request).allowed:
            return throttled(request, "registro/solicitud.html", {"form": form})
        if form.is_valid():
            filed = services.file_solicitud(form.cleaned_data, form.cleaned_data.get("documento"))
            request.session[SESSION_SOLICITUD] = filed.pk
            messages.info(
                request,
                _("Enviamos un código de seguridad a %(email)s. Es válido por %(minutes)s minutos.")
                % {"email": filed.email, "minutes": codes.code_minutes()},
            )
            return redirect("registro:verificar")
    return render(request, "registro/solicitud.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def verificar(request):
    """The e-mail code of the session's solicitud; "Reenviar código"."""
    pk = request.session.get(SESSION_SOLICITUD)
    filed = Solicitud.objects.filter(pk=pk, state=Solicitud.State.VERIFICACION).first()
    if filed is None:
        return redirect("registro:nuevo")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("accion") == "reenviar":
        if limits.hit("registro", request).allowed:
            services.resend_code(filed)
            messages.info(request, _("Enviamos un nuevo código a su correo electrónico."))
        return redirect("registro:verificar")
    if request.method == "POST" and form.is_valid():
        if not limits.hit("codigo", request).allowed:
            return throttled(request, "registro/verificar.html", {"form": form, "solicitud": filed})
        try:
            filed = services.verify_email(filed, form.cleaned_data["code"])
        except services.InvalidCode:
            form.add_error(
                "code", _("El código de seguridad no es correcto, ya fue usado o expiró.")
            )
        else:
            request.session.pop(SESSION_SOLICITUD, None)
            if filed.state == Solicitud.State.APROBADA:
                messages.success(request, _("Su registro está activo. Ya puede iniciar sesión."))
                return redirect("accounts:login")
            return render(request, "registro/recibida.html", {"solicitud": filed})
    return render(request, "registro/verificar.html", {"form": form, "solicitud": filed})


def convenio(request):
    """The Convenio de uso (public text)."""
    return render(request, "registro/convenio.html")

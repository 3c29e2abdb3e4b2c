"""Public account screens: REINICIAR CLAVE and NUEVO REGISTRO (thin; services do the work)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import codes, limits, reset
from .forms import ResetConfirmForm, ResetRequestForm

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
        if not limits.hit("reset", request).allowed:
            return throttled(request, "registro/reset_request.html", {"form": form})
        data = form.cleaned_data
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

"""3.2.3 Modificar información de registro (thin; ``modificar`` does the work)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ecuapass.portal.permissions import menu_option_required

from . import limits, modificar
from .forms import ModificarForm
from .models import CambioRegistro

OPTION = "3.2.3"


def _render(request, form, *, confirm=False, rows=(), status=200):
    history = CambioRegistro.objects.filter(user=request.user).order_by("-created_on", "-id")[:20]
    return render(
        request,
        "registro/modificar.html",
        {
            "form": form,
            "confirm": confirm,
            "rows": rows,
            "history": [
                (c, [(modificar.label_of(k), v) for k, v in c.changes.items()]) for c in history
            ],
        },
        status=status,
    )


@never_cache
@menu_option_required(OPTION)
@require_http_methods(["GET", "POST"])
def modificar_registro(request):
    user = request.user
    initial = {**modificar.current(user), "mantener_correo": "si"}
    if request.method == "GET":
        return _render(request, ModificarForm(initial=initial, user=user))
    form = ModificarForm(request.POST, user=user)
    accion = request.POST.get("accion")
    if not form.is_valid():
        return _render(request, form, status=400)
    data = form.cleaned_data
    changed = modificar.changes_of(user, data)
    if accion == "codigo":
        if data["email"] == user.email:
            form.add_error("new_email", _("Ingrese un correo electrónico distinto del actual."))
            return _render(request, form, status=400)
        if not limits.hit("codigo", request).allowed:
            messages.error(request, _("Demasiadas solicitudes. Intente nuevamente más tarde."))
        else:
            modificar.send_email_code(user, data["email"])
            messages.info(
                request,
                _("Enviamos un código de seguridad a %(email)s. Es válido por 15 minutos.")
                % {"email": data["email"]},
            )
        return _render(request, form)
    if not changed:
        messages.info(request, _("No hay cambios que guardar."))
        return _render(request, form)
    rows = [
        (modificar.label_of(name), value, name in changed)
        for name, value in ((n, data.get(n, "")) for n in modificar.current(user))
    ]
    if accion != "modificar":
        return _render(request, form, confirm=True, rows=rows)
    if not form.require_for_modify("email" in changed):
        return _render(request, form, confirm=True, rows=rows, status=400)
    try:
        modificar.apply(user, data, code=data.get("code", ""))
    except modificar.InvalidCode:
        form.add_error("code", _("El código de seguridad no es correcto, ya fue usado o expiró."))
        return _render(request, form, confirm=True, rows=rows, status=400)
    if any(name in modificar.COMPANY_FIELDS for name in changed):
        messages.success(
            request,
            _("Cambios registrados. Los datos de la empresa esperan la aprobación de SENAE."),
        )
    else:
        messages.success(request, _("Su información de registro fue modificada."))
    return redirect("registro_modificar:modificar")


@never_cache
@require_http_methods(["GET", "POST"])
def actualizacion_anual(request):
    """The annual confirmation: "Confirmar" (with the Convenio) or go to 3.2.3 to update."""
    from django.contrib.auth.views import redirect_to_login

    from . import annual

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not annual.applies_to(user):
        return redirect("portal:home")
    error = ""
    if request.method == "POST":
        if request.POST.get("convenio"):
            annual.confirm(user)
            request.session.pop(annual.SESSION_OK, None)
            messages.success(request, _("Su información de registro quedó confirmada."))
            return redirect("portal:home")
        error = _("Debe aceptar el Convenio de uso.")
    return render(
        request,
        "registro/actualizacion_anual.html",
        {
            "data": [(modificar.label_of(k), v) for k, v in modificar.current(user).items()],
            "overdue": annual.overdue(user),
            "deadline": annual.deadline(annual.target_year(timezone.localdate())),
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recuperacion(request):
    """Códigos de recuperación of the second factor: generated on request, shown once."""
    from django.contrib.auth.views import redirect_to_login

    from ecuapass.officers import second_factor

    from . import recovery

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if second_factor.confirmed_device(user) is None:
        messages.error(request, _("Active primero la verificación en dos pasos."))
        return redirect("seguridad:segundo_factor")
    codes = recovery.generate(user) if request.method == "POST" else []
    return render(
        request,
        "registro/recuperacion.html",
        {"codes": codes, "remaining": recovery.remaining(user)},
    )

"""3.2.4 Administración de empleado (the representative of the active OCE's operator)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecuapass.accounts.models import User
from ecuapass.portal.permissions import menu_option_required

from . import empleados
from .forms import DecisionForm

OPTION = "3.2.4"
PER_PAGE = 20


@menu_option_required(OPTION)
def lista(request):
    operator = request.oce.registration.operator
    estado = request.GET.get("estado", "pendiente")
    qs = empleados.employees_of(operator).order_by("-date_joined", "-id")
    if estado in User.State.values:
        qs = qs.filter(state=estado)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "registro/empleados/lista.html",
        {"page": page, "estado": estado, "states": User.State.choices},
    )


def _rows(operator, employee):
    held = {g.oce_code_id: g for g in employee.grants.prefetch_related("options__entry")}
    rows = []
    for code in empleados.company_codes(operator):
        grant = held.get(code.pk)
        chosen = {o.entry.number for o in grant.options.all()} if grant else set()
        rows.append(
            {
                "code": code,
                "granted": grant is not None,
                "approved": bool(grant and grant.approved),
                "entries": [(e, e.number in chosen) for e in empleados.grantable_entries(code)],
            }
        )
    return rows


@menu_option_required(OPTION)
@require_http_methods(["GET", "POST"])
def detalle(request, pk: int):
    rep = request.user
    operator = request.oce.registration.operator
    employee = empleados.employee_for(rep, pk) if rep.operator_id == operator.pk else None
    if employee is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        accion = request.POST.get("accion")
        if accion in ("aprobar", "guardar"):
            chosen = {
                code: request.POST.getlist(f"opciones_{code}")
                for code in request.POST.getlist("codigos")
            }
            if not chosen:
                messages.error(request, _("Agregue al menos un código de OCE."))
            else:
                empleados.set_grants(rep, employee, chosen, approve=accion == "aprobar")
                messages.success(request, _("Cambios guardados; el empleado fue notificado."))
                return redirect("registro_empleados:detalle", pk=employee.pk)
        elif accion == "rechazar":
            form.is_valid()
            reason = form.cleaned_data.get("reason", "").strip()
            if not reason:
                form.add_error("reason", _("Indique el motivo del rechazo."))
            else:
                empleados.reject(rep, employee, reason)
                messages.success(request, _("Solicitud rechazada; el empleado fue notificado."))
                return redirect("registro_empleados:lista")
        elif accion == "suspender":
            empleados.suspend(rep, employee)
            messages.success(request, _("Empleado suspendido."))
            return redirect("registro_empleados:detalle", pk=employee.pk)
        elif accion == "reactivar":
            empleados.reactivate(rep, employee)
            messages.success(request, _("Empleado reactivado."))
            return redirect("registro_empleados:detalle", pk=employee.pk)
    return render(
        request,
        "registro/empleados/detalle.html",
        {"employee": employee, "rows": _rows(operator, employee), "form": form},
        status=400 if form.errors else 200,
    )

"""Portal interno: SENAE officers decide the solicitudes de uso of representatives, public
entities and international organisations (and, later, changes of company data, 3.2.3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecuapass.officers.access import officer_required
from ecuapass.officers.roles import Role

from . import modificar, services
from .forms import DecisionForm
from .models import Solicitud

ROLES = (Role.ADMIN, Role.SUPERVISOR)
PER_PAGE = 25


def _pending():
    return Solicitud.objects.filter(
        state=Solicitud.State.PENDIENTE, kind__in=services.OFFICER_KINDS
    ).order_by("created_on", "id")


@officer_required(*ROLES)
def lista(request):
    page = Paginator(_pending(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registro/interno/lista.html", {"page": page})


@officer_required(*ROLES)
def detalle(request, pk: int):
    solicitud = get_object_or_404(Solicitud, pk=pk, kind__in=services.OFFICER_KINDS)
    return render(
        request, "registro/interno/detalle.html", {"s": solicitud, "form": DecisionForm()}
    )


@officer_required(*ROLES)
def documento(request, pk: int):
    solicitud = get_object_or_404(Solicitud, pk=pk, kind__in=services.OFFICER_KINDS)
    if not solicitud.documento:
        raise Http404
    return FileResponse(
        solicitud.documento.open("rb"),
        as_attachment=True,
        filename=f"solicitud-{solicitud.pk}.pdf",
        content_type="application/pdf",
    )


@require_POST
@officer_required(*ROLES)
def decidir(request, pk: int):
    solicitud = get_object_or_404(_pending(), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "").strip()
    if request.POST.get("accion") == "aprobar":
        services.approve(solicitud, officer_user=request.user)
        messages.success(request, _("Solicitud aprobada; el usuario fue notificado."))
        return redirect("registro_interno:lista")
    if not reason:
        form.add_error("reason", _("Indique el motivo del rechazo."))
        return render(
            request, "registro/interno/detalle.html", {"s": solicitud, "form": form}, status=400
        )
    services.reject(solicitud, officer_user=request.user, reason=reason)
    messages.success(request, _("Solicitud rechazada; el solicitante fue notificado."))
    return redirect("registro_interno:lista")


# --- changes of company data (3.2.3) waiting for SENAE -------------------------------------
@officer_required(*ROLES)
def cambios(request):
    from .models import CambioRegistro

    qs = (
        CambioRegistro.objects.filter(state=CambioRegistro.State.PENDIENTE)
        .select_related("user", "operator")
        .order_by("created_on", "id")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(c, [(modificar.label_of(k), v) for k, v in c.changes.items()]) for c in page]
    return render(request, "registro/interno/cambios.html", {"page": page, "rows": rows})


@require_POST
@officer_required(*ROLES)
def decidir_cambio(request, pk: int):
    from .models import CambioRegistro

    cambio = get_object_or_404(CambioRegistro, pk=pk, state=CambioRegistro.State.PENDIENTE)
    approve = request.POST.get("accion") == "aprobar"
    reason = request.POST.get("reason", "").strip()
    if not approve and not reason:
        messages.error(request, _("Indique el motivo del rechazo."))
        return redirect("registro_interno:cambios")
    modificar.decide(cambio, officer_user=request.user, approve=approve, reason=reason)
    messages.success(request, _("Cambio decidido; el usuario fue notificado."))
    return redirect("registro_interno:cambios")

"""Portal interno: the solicitudes de anulación de DAE of the officer's distritos and the
supervisor's decision (the lifecycle's actors: supervisor or administrador of the distrito)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ecuapass.officers.access import audit, officer_required
from ecuapass.officers.roles import Role

from . import anulacion

VIEWERS = (Role.TECNICO, Role.SUPERVISOR, Role.ADMIN)
DECIDERS = (Role.SUPERVISOR, Role.ADMIN)


@never_cache
@officer_required(*VIEWERS)
def anulaciones(request):
    qs = (
        anulacion.for_officer(request.officer)
        .select_related("filer_oce", "solicitud_dae__dae__edoc")
        .order_by("estado_documento", "sent_on", "pk")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "exportacion/interno/anulaciones.html", {"page": page})


@officer_required(*DECIDERS)
@require_POST
def decidir(request, pk: int):
    edoc = get_object_or_404(anulacion.for_officer(request.officer), pk=pk)
    try:
        anulacion.decide(
            edoc,
            approve=request.POST.get("decision") == "aprobar",
            officer=request.officer,
            note=request.POST.get("nota", ""),
            ip=audit(request)["ip"],
        )
    except anulacion.DecisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decisión registrada."))
    return redirect("exportacion_interno:anulaciones")

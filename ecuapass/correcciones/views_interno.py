"""Portal interno: the requests on DAIs of the officer's distritos, and the decision on each.

Who may see: técnicos, supervisores and administradores of the request's distrito (the DAI's);
who may decide: the lifecycle's actors of the type (técnico or supervisor; supervisor for an
anulación), checked by ``lifecycle.fire`` in ``services.decide``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ecuapass.despacho import files
from ecuapass.edocs import lifecycle
from ecuapass.edocs.models import EDocument
from ecuapass.officers.access import audit, officer_required
from ecuapass.officers.roles import Role

from . import changes, kinds, services
from .forms import DecisionForm

VIEWERS = (Role.TECNICO, Role.SUPERVISOR, Role.ADMIN)
PAGE_SIZE = 25
VISTAS = {
    "pendientes": ("aceptado",),
    "decididas": (kinds.APROBADA, kinds.DENEGADA),
    "todas": ("aceptado", kinds.APROBADA, kinds.DENEGADA),
}


def for_officer(officer):
    """Requests the officer's distritos handle, once formally accepted (rejected ones never land)."""
    qs = EDocument.objects.filter(doc_type__in=kinds.codes(), estado_documento__in=VISTAS["todas"])
    if not officer.acts_everywhere:
        qs = qs.filter(distrito__in=sorted(officer.distrito_codes))
    return qs


def _solicitud(officer, pk: int) -> EDocument:
    edoc = (
        for_officer(officer)
        .select_related("filer_oce__registration__operator", "solicitud_dai__dai")
        .filter(pk=pk)
        .first()
    )
    if edoc is None:
        raise Http404
    return edoc


@never_cache
@officer_required(*VIEWERS)
def solicitudes(request):
    vista = request.GET.get("vista") if request.GET.get("vista") in VISTAS else "pendientes"
    tipo = request.GET.get("tipo") if request.GET.get("tipo") in kinds.KINDS else ""
    qs = for_officer(request.officer).filter(estado_documento__in=VISTAS[vista])
    if tipo:
        qs = qs.filter(doc_type=tipo)
    qs = qs.select_related("filer_oce", "solicitud_dai__dai").order_by("sent_on", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "correcciones/interno/solicitudes.html",
        {
            "page": page,
            "vista": vista,
            "tipo": tipo,
            "vistas": [
                ("pendientes", _("Pendientes de decisión")),
                ("decididas", _("Decididas")),
                ("todas", _("Todas")),
            ],
            "kinds": kinds.KINDS.values(),
        },
    )


def _page(request, edoc, form=None, status=200):
    solicitud = edoc.solicitud_dai
    dai_edoc = solicitud.dai
    proposed, proposal_errors = [], []
    if edoc.estado_documento == "aceptado" and kinds.kind_of(edoc.doc_type).with_changes:
        try:
            proposed = changes.proposed_diff(dai_edoc.content, solicitud.cabecera, solicitud.items)
        except changes.ChangeError as exc:
            proposal_errors = exc.errors
    allowed = {t.name for t in lifecycle.allowed(edoc, user=request.user)}
    version = getattr(solicitud, "version", None)
    return render(
        request,
        "correcciones/interno/solicitud.html",
        {
            "edoc": edoc,
            "kind": kinds.kind_of(edoc.doc_type),
            "solicitud": solicitud,
            "dai_edoc": dai_edoc,
            "dai": dai_edoc.content,
            "proposed": [
                {**c, "etiqueta": changes.label(c["campo"], dai_edoc.doc_type)} for c in proposed
            ],
            "proposal_errors": proposal_errors,
            "version": version,
            "version_cambios": [
                {**c, "etiqueta": changes.label(c["campo"], dai_edoc.doc_type)}
                for c in version.cambios
            ]
            if version
            else [],
            "history": list(edoc.history.select_related("by_user")),
            "may_approve": "aprobar" in allowed,
            "may_deny": "denegar" in allowed,
            "form": form or DecisionForm(),
        },
        status=status,
    )


@never_cache
@officer_required(*VIEWERS)
def solicitud(request, pk: int):
    return _page(request, _solicitud(request.officer, pk))


@never_cache
@officer_required(*VIEWERS)
@require_POST
def decidir(request, pk: int):
    edoc = _solicitud(request.officer, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, edoc, form, status=400)
    approve = form.cleaned_data["decision"] == "aprobar"
    try:
        services.decide(
            edoc,
            approve=approve,
            officer=request.officer,
            note=form.cleaned_data["nota"],
            ip=audit(request)["ip"],
        )
    except services.SolicitudError as exc:
        for field, message in exc.errors:
            form.add_error("nota" if field == "nota" else None, message)
        return _page(request, _solicitud(request.officer, pk), form, status=400)
    messages.success(request, _("Solicitud aprobada.") if approve else _("Solicitud denegada."))
    return redirect("interno:solicitud_dai", pk=pk)


@never_cache
@officer_required(*VIEWERS)
def adjunto(request, pk: int, adjunto_pk: int):
    edoc = _solicitud(request.officer, pk)
    return files.response(get_object_or_404(edoc.solicitud_dai.adjuntos.all(), pk=adjunto_pk))

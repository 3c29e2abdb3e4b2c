"""Portal interno: the 1.11 requests of the officer's distritos and the decision on each
(supervisor or administrador of the distrito, checked again by ``lifecycle.fire``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ecuapass.edocs import lifecycle
from ecuapass.edocs.models import EDocument
from ecuapass.officers.access import audit, officer_required
from ecuapass.officers.roles import Role

from . import facilidades as fac
from .forms import DecisionForm

VIEWERS = (Role.SUPERVISOR, Role.ADMIN)
STATES = ("aceptado", fac.APROBADA, fac.DENEGADA)


def for_officer(officer):
    qs = EDocument.objects.filter(doc_type=fac.CODE, estado_documento__in=STATES)
    if not officer.acts_everywhere:
        qs = qs.filter(distrito__in=sorted(officer.distrito_codes))
    return qs


def _request(officer, pk: int) -> EDocument:
    edoc = for_officer(officer).select_related("solicitud_facilidad").filter(pk=pk).first()
    if edoc is None:
        raise Http404
    return edoc


@never_cache
@officer_required(*VIEWERS)
def lista(request):
    pendientes = request.GET.get("vista", "pendientes") == "pendientes"
    qs = for_officer(request.officer)
    if pendientes:
        qs = qs.filter(estado_documento="aceptado")
    qs = qs.select_related("filer_oce__registration__operator", "solicitud_facilidad").order_by(
        "sent_on", "pk"
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request, "obligaciones/interno/facilidades.html", {"page": page, "pendientes": pendientes}
    )


@never_cache
@officer_required(*VIEWERS)
def detalle(request, pk: int):
    edoc = _request(request.officer, pk)
    return render(
        request,
        "obligaciones/interno/facilidad.html",
        {
            "edoc": edoc,
            "solicitud": edoc.solicitud_facilidad,
            "form": DecisionForm(),
            "pending": edoc.estado_documento == "aceptado",
        },
    )


@require_POST
@officer_required(*VIEWERS)
def decidir(request, pk: int):
    edoc = _request(request.officer, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for name, errs in form.errors.items():
            for e in errs:
                messages.error(
                    request, f"{form.fields[name].label if name in form.fields else ''}: {e}"
                )
        return redirect("facilidades_interno:detalle", pk=edoc.pk)
    decision = form.cleaned_data["decision"]
    try:
        lifecycle.fire(edoc, decision, note=form.cleaned_data["motivo"], **audit(request))
    except lifecycle.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    except ValueError:
        messages.error(request, _("Alguna obligación de la solicitud ya no está pendiente."))
    else:
        messages.success(
            request,
            _("Solicitud aprobada: el plan de pagos fue emitido.")
            if decision == "aprobar"
            else _("Solicitud denegada."),
        )
    return redirect("facilidades_interno:detalle", pk=edoc.pk)

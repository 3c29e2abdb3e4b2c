"""Portal interno: the solicitudes de anulación de DAE of the officer's distritos and the
supervisor's decision (the lifecycle's actors: supervisor or administrador of the distrito); the
DAEs in the técnico's aforo and his correction of one (``correcciones.services.correct_in_aforo``,
the DAE editor's header form and items grid)."""

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
from . import states as S

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


# --- the técnico's correction of a DAE during its aforo ----------------------------------------------
def _en_aforo(officer):
    from ecuapass.edocs.models import EDocument

    return EDocument.objects.filter(
        doc_type="DAE", estado_documento=S.EN_AFORO, aforo_case__tecnico=officer
    ).select_related("dae", "filer_oce__registration")


@never_cache
@officer_required(Role.TECNICO)
def aforos(request):
    """The DAEs in the técnico's aforo (he corrects them here)."""
    return render(
        request,
        "exportacion/interno/aforos.html",
        {"daes": list(_en_aforo(request.officer).order_by("sent_on", "pk")[:200])},
    )


@never_cache
@officer_required(Role.TECNICO)
def corregir(request, pk: int):
    """The DAE's header and items, prefilled; «Guardar corrección» writes the next version."""
    import copy

    from ecuapass.correcciones import changes, services, targets
    from ecuapass.correcciones.views import field_label

    edoc = get_object_or_404(_en_aforo(request.officer), pk=pk)
    dae = edoc.dae
    target = targets.of("DAE")
    HeaderForm, ItemFormSet = target.header_form(), target.item_formset()  # noqa: N806
    data = request.POST if request.method == "POST" else None
    header_form = HeaderForm(data, instance=copy.copy(dae), oce=edoc.filer_oce)
    formset = (
        ItemFormSet(data, prefix="items")
        if data is not None
        else ItemFormSet(prefix="items", initial=target.item_initial(dae))
    )
    context = {
        "edoc": edoc,
        "dae": dae,
        "form": header_form,
        "formset": formset,
        "errors": [],
        "motivo": "",
    }
    if data is None:
        return render(request, "exportacion/interno/correccion.html", context)
    motivo = (request.POST.get("motivo") or "").strip()
    context["motivo"] = motivo
    if not (header_form.is_valid() & formset.is_valid()):
        messages.error(request, _("Revise los campos marcados."))
        return render(request, "exportacion/interno/correccion.html", context, status=400)
    rows = target.item_rows(formset.items(), header_form.instance)
    cabecera, items = changes.changes_between(dae, changes.Corrected(header_form.instance, rows))
    try:
        version = services.correct_in_aforo(
            edoc,
            officer=request.officer,
            cabecera=cabecera,
            items=items,
            motivo=motivo,
            ip=audit(request)["ip"],
        )
    except services.SolicitudError as exc:
        context["errors"] = [(field_label(f, "DAE"), m) for f, m in exc.errors]
        return render(request, "exportacion/interno/correccion.html", context, status=400)
    messages.success(
        request,
        _("La DAE %(n)s pasó a la versión %(v)s.")
        % {"n": edoc.document_number, "v": version.numero},
    )
    return redirect("exportacion_interno:aforos")

"""Garantías: the operator registers and follows its own (1.12); SENAE's supervisor approves,
rejects and efectiviza them in the portal interno."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ecuapass.edocs.models import EDocument
from ecuapass.officers.access import officer_required
from ecuapass.officers.roles import Role
from ecuapass.portal.permissions import menu_option_required

from . import garantias
from .errors import ObligacionError
from .forms import GarantiaForm
from .models import Garantia, Obligation

OPTION = "1.12"
VIEWERS = (Role.SUPERVISOR, Role.ADMIN)


@menu_option_required(OPTION)
def operador(request):
    ruc = request.oce.registration.operator.ruc
    form = GarantiaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        edoc = None
        if data["declaracion"]:
            edoc = (
                EDocument.objects.visible_to(request.oce)
                .filter(document_number=data["declaracion"].strip(), doc_type="DAI")
                .first()
            )
            if edoc is None:
                form.add_error("declaracion", _("No existe o no es visible."))
        if not form.errors:
            try:
                garantias.register(
                    ruc,
                    tipo=data["tipo"],
                    garante=data["garante"],
                    numero=data["numero"],
                    amount=data["monto"],
                    valid_from=data["vigente_desde"],
                    valid_to=data["vigente_hasta"],
                    edoc=edoc,
                    distritos=data["distritos"],
                )
            except ObligacionError as exc:
                name = exc.field or ""
                form.add_error(name if name in form.fields else None, exc.message)
            else:
                messages.success(request, _("Garantía registrada: espera la aprobación de SENAE."))
                return redirect("obligaciones:garantias")
    qs = (
        Garantia.objects.filter(operator_ruc=ruc)
        .prefetch_related("distritos")
        .order_by("-registered_on", "-pk")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "obligaciones/garantias.html", {"form": form, "page": page})


@never_cache
@officer_required(*VIEWERS)
def interno(request):
    qs = (
        garantias.for_officer(request.officer)
        .prefetch_related("distritos")
        .order_by("state", "valid_to", "pk")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    covered: dict[int, list] = {g.pk: [] for g in page}
    for o in Obligation.objects.filter(garantia__in=list(covered), state__in=Obligation.OPEN):
        if request.officer.covers(o.distrito):  # efectivized by an officer of its distrito
            covered[o.garantia_id].append(o)  # the page's open obligations in one query
    rows = [(g, covered[g.pk], garantias.may_decide(g, request.officer)) for g in page]
    return render(request, "obligaciones/interno/garantias.html", {"page": page, "rows": rows})


@require_POST
@officer_required(*VIEWERS)
def decidir(request, pk: int):
    garantia = get_object_or_404(garantias.for_officer(request.officer), pk=pk)
    try:
        garantias.decide(
            garantia,
            approve=request.POST.get("decision") == "aprobar",
            note=request.POST.get("motivo", ""),
            officer=request.officer,
        )
    except ObligacionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decisión registrada."))
    return redirect("facilidades_interno:garantias")


@require_POST
@officer_required(*VIEWERS)
def efectivizar(request, pk: int, obligation_pk: int):
    garantia = get_object_or_404(garantias.for_officer(request.officer), pk=pk)
    obligation = get_object_or_404(Obligation, pk=obligation_pk, garantia=garantia)
    if not request.officer.covers(obligation.distrito):  # a garantía over several distritos
        raise Http404
    try:
        garantias.efectivizar(garantia, obligation, user=request.user)
    except ObligacionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Garantía efectivizada."))
    return redirect("facilidades_interno:garantias")

"""1.11 Solicitud de facilidades de pago: choose obligations, see the amortisation table, file
the FAC e-doc; the operator's requests and plans with their dividends."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core.formatting import money
from ecuapass.edocs import registry
from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.states import Channel
from ecuapass.portal.permissions import menu_option_required

from . import facilidades as fac
from .forms import FacilidadForm
from .models import Concept, Obligation, PaymentPlan

OPTION = "1.11"


def _open_of(oce):
    ruc = oce.registration.operator.ruc
    return (
        Obligation.objects.filter(debtor_ruc=ruc, state__in=Obligation.OPEN, plan__isnull=True)
        .exclude(concept__in=(Concept.DIVIDENDO, Concept.CUOTA_INICIAL))
        .order_by("exigible_on", "pk")
    )


@menu_option_required(OPTION)
def lista(request):
    qs = EDocument.objects.filter(doc_type=fac.CODE, filer_oce=request.oce).order_by("-pk")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    plans = {
        p.edoc_id: p for p in PaymentPlan.objects.filter(edoc__in=[e.pk for e in page.object_list])
    }
    return render(
        request,
        "obligaciones/facilidades.html",
        {"page": page, "rows": [(e, plans.get(e.pk)) for e in page.object_list]},
    )


@menu_option_required(OPTION)
def nueva(request):
    today = timezone.localdate()
    open_obligations = list(_open_of(request.oce)[:200])
    choices = [
        (
            o.numero,
            f"{o.numero} — {o.get_concept_display()} — {o.description} — USD "
            f"{money(fac.amount_due(o, today).total)}",
        )
        for o in open_obligations
    ]
    form = FacilidadForm(request.POST or None, choices=choices)
    preview = None
    if request.method == "POST" and form.is_valid():
        chosen = [o for o in open_obligations if o.numero in form.cleaned_data["obligaciones"]]
        preview = fac.preview(
            chosen,
            form.cleaned_data["cuota_inicial"],
            min(form.cleaned_data["dividendos"], fac.max_dividends()),
            today,
        )
        if request.POST.get("accion") == "enviar":
            doc_type = registry.get(fac.CODE)
            payload = form.payload()
            serializer = doc_type.serializer_class()(data=payload)
            if serializer.is_valid():
                outcome = edocs.submit_payload(
                    doc_type,
                    serializer.validated_data,
                    raw=payload,
                    user=request.user,
                    oce=request.oce,
                    channel=Channel.PORTAL,
                )
                messages.success(
                    request,
                    _("Solicitud enviada con el número de entrega %(n)s.")
                    % {"n": outcome.envio.document.numero_entrega},
                )
                return redirect(outcome.envio.document.get_absolute_url())
            for name, errs in serializer.errors.items():
                for e in errs if isinstance(errs, list) else [errs]:
                    form.add_error(None, f"{name}: {e}")
    return render(
        request,
        "obligaciones/facilidad_form.html",
        {
            "form": form,
            "preview": preview,
            "minimo": fac.minimum_pct(),
            "maximo": fac.max_dividends(),
            "umbral": fac.garantia_threshold(),
        },
    )


@menu_option_required(OPTION)
def nueva_desde(request, pk: int):
    return redirect("obligaciones:facilidad_nueva")


@menu_option_required(OPTION)
def plan(request, pk: int):
    plan = (
        PaymentPlan.objects.select_related("edoc")
        .filter(pk=pk, debtor_ruc=request.oce.registration.operator.ruc)
        .first()
    )
    if plan is None:
        raise Http404
    today = timezone.localdate()
    rows = []
    for o in (
        Obligation.objects.filter(plan=plan)
        .exclude(state=Obligation.State.EN_FACILIDAD)
        .order_by("exigible_on", "pk")
    ):
        if o.state == Obligation.State.PAGADA:
            situacion = _("Pagado")
        elif o.state == Obligation.State.ANULADA:
            situacion = _("Anulado")
        elif o.exigible_on < today:
            situacion = _("Vencido")
        else:
            situacion = _("Por vencer")
        rows.append((o, situacion))
    covered = Obligation.objects.filter(
        plan=plan, state__in=(Obligation.State.EN_FACILIDAD, Obligation.State.PAGADA)
    ).exclude(concept__in=(Concept.DIVIDENDO, Concept.CUOTA_INICIAL))
    return render(
        request, "obligaciones/plan.html", {"plan": plan, "rows": rows, "covered": covered}
    )

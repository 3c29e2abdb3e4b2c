"""The operator's obligations (menu 1.12): the list, one obligation with what is due today,
the orden de pago PDF, and the DAI's autorización de salida (1.3's scope)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.accounts.context import oce_required
from ecuapass.core.formatting import money
from ecuapass.edocs.access import document_for
from ecuapass.portal.permissions import menu_option_required

from . import creditos, levante, prints, selectors, services
from .errors import ObligacionError
from .models import NotaCredito, Obligation, TituloCredito

OPTION = "1.12"


def _obligation(request, numero: str) -> Obligation:
    return get_object_or_404(Obligation.objects.visible_to(request.oce), numero=numero[:30])


@menu_option_required(OPTION)
def lista(request):
    state = request.GET.get("estado", "pendientes")
    qs = selectors.for_oce(request.oce, state=state)
    page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = selectors.rows_with_due(page.object_list, today)
    return render(
        request,
        "obligaciones/lista.html",
        {
            "page": page,
            "rows": rows,
            "estado": state,
            "estados": [("pendientes", _("Pendientes"))] + list(Obligation.State.choices),
            "query": f"estado={state}",
            "notas": creditos.with_saldo(_notas(request)).filter(saldo__gt=0)[:50],
        },
    )


def _notas(request):
    oce = request.oce
    return NotaCredito.objects.filter(
        Q(debtor_ruc=oce.registration.operator.ruc) | Q(edoc__filer_oce=oce)
    ).select_related("edoc")


@menu_option_required(OPTION)
def nota(request, numero: str):
    """A nota de crédito: its applications, its saldo a favor, and applying it (POST)."""
    nota = get_object_or_404(_notas(request), numero=numero[:30])
    open_ = Obligation.objects.visible_to(request.oce).filter(
        debtor_ruc=nota.debtor_ruc, state__in=Obligation.OPEN
    )
    pending = open_.order_by("exigible_on", "pk")[:200]
    error = ""
    if request.method == "POST":
        target = open_.filter(numero=request.POST.get("obligacion", "")[:30]).first()
        if target is None:
            error = _("Obligación: elija una obligación pendiente del mismo deudor.")
        else:
            try:
                row = creditos.apply(nota, target, user=request.user)
            except ObligacionError as exc:
                error = _("Obligación: %(e)s") % {"e": exc.message}
            else:
                messages.success(
                    request,
                    _("Se aplicaron USD %(m)s de la nota de crédito %(n)s a la obligación %(o)s.")
                    % {"m": money(row.total), "n": nota.numero, "o": target.numero},
                )
                return redirect("obligaciones:nota", numero=nota.numero)
    return render(
        request,
        "obligaciones/nota.html",
        {
            "nota": nota,
            "saldo": creditos.saldo(nota),
            "aplicaciones": nota.aplicaciones.select_related("obligation"),
            "pending": pending,
            "error": error,
            "selected": request.POST.get("obligacion", ""),
        },
        status=422 if error else 200,
    )


@menu_option_required(OPTION)
def detalle(request, numero: str):
    obligation = _obligation(request, numero)
    return render(
        request,
        "obligaciones/detalle.html",
        {
            "o": obligation,
            "due": services.amount_due(obligation),
            "components": obligation.components.all(),
            "payments": obligation.payments.all(),
            "titulo": TituloCredito.objects.filter(obligation=obligation).first(),
        },
    )


@menu_option_required(OPTION)
def orden_de_pago(request, numero: str):
    obligation = _obligation(request, numero)
    due = services.amount_due(obligation)
    return prints.pdf_response(
        request,
        "obligaciones/pdf/orden_de_pago.html",
        {
            "o": obligation,
            "due": due,
            "components": obligation.components.all(),
            "qr": prints.qr_svg(obligation.numero),
            "now": timezone.now(),
        },
        f"orden-de-pago-{obligation.numero}.pdf",
    )


@oce_required
def autorizacion_salida(request, pk: int):
    """The autorización de salida of a released DAI (the document's own scope and grant, 1.3)."""
    edoc = document_for(request, pk, sent=True)
    row = levante.levante_of(edoc)
    if row is None or edoc.estado_documento != levante.SALIDA_AUTORIZADA:
        raise Http404
    return prints.pdf_response(
        request,
        "obligaciones/pdf/autorizacion_salida.html",
        {
            "edoc": edoc,
            "dai": edoc.content,
            "levante": row,
            "obligations": edoc.obligations.exclude(state=Obligation.State.ANULADA),
            "qr": prints.qr_svg(edoc.document_number),
        },
        f"autorizacion-salida-{edoc.document_number}.pdf",
    )

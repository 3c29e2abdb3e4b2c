"""The operator's obligations (menu 1.12): the list, one obligation with what is due today,
the orden de pago PDF, and the DAI's autorización de salida (1.3's scope)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.accounts.context import oce_required
from ecuapass.edocs.access import document_for
from ecuapass.portal.permissions import menu_option_required

from . import levante, prints, selectors, services
from .models import Obligation, TituloCredito

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
        },
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

"""``{% despacho_operador edoc %}``: the aforo on the operator's document page (1.3)."""

from __future__ import annotations

from django import template
from django.conf import settings

from .. import forms, selectors
from ..models import AforoCase, Correction

register = template.Library()


@register.inclusion_tag("despacho/operador/_seccion.html", takes_context=True)
def despacho_operador(context, edoc):
    """What the filer and the importer see: canal, requests, observaciones, corrections, the
    liquidación complementaria and multas, and the trámite's timeline (never the risk profiles,
    never the officers' internal work)."""
    case = selectors.case_prefetched(AforoCase.objects.filter(edoc=edoc)).first()
    open_for_answers = (
        case is not None
        and case.is_open
        and edoc.estado_documento
        in (
            "canal_asignado",
            "en_aforo",
        )
    )
    show_names = getattr(settings, "ECUAPASS_OPERATORS_SEE_OFFICER_NAMES", False)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "edoc": edoc,
        "case": case,
        "canal": edoc.get_canal_aforo_display() if edoc.canal_aforo else "",
        "open_for_answers": open_for_answers,
        "reliquidacion": selectors.reliquidacion_of(case) if case is not None else None,
        "timeline": selectors.timeline(
            case, selectors.history_of(edoc), for_officer=False, show_names=show_names
        )
        if case is not None
        else [],
        "upload_form": forms.UploadForm(),
        "answer_form": forms.AnswerForm(),
        "correction_form": forms.CorrectionResponseForm(),
        "propuesta": Correction.Status.PROPUESTA,
        "file_url": "despacho:archivo",
        "max_mb": settings.ECUAPASS_SOPORTE_MAX_BYTES // (1024 * 1024),
    }

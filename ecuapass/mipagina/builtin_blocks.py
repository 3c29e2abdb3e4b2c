"""Mi página's blocks for the contexts that existed before it (e-docs, despacho, buzón).

Registered from here rather than from those apps so that their code stays untouched; new
contexts register their own blocks in their ``AppConfig.ready()`` (see ``blocks``).
Each block is one sliced query over an index scoped to the active OCE or the user.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .blocks import Block, Item, register


def _drafts(ctx):
    from ecuapass.edocs.models import EDocument

    if ctx.oce is None:
        return []
    rows = (
        EDocument.objects.drafts()
        .filed_by(ctx.oce)
        .only("id", "doc_type", "title", "modified_on")
        .order_by("-modified_on", "-id")[: ctx.limit]
    )
    return [
        Item(
            label=f"{d.doc_type} — {d.title}",
            url=reverse("edocs:documento", args=[d.pk]),
            when=d.modified_on,
        )
        for d in rows
    ]


def _latest_states(ctx):
    from ecuapass.edocs.models import EDocument

    if ctx.oce is None:
        return []
    rows = (
        EDocument.objects.sent_visible_to(ctx.oce)
        .only("id", "doc_type", "numero_entrega", "document_number", "estado_documento", "sent_on")
        .order_by("-sent_on", "-id")[: ctx.limit]
    )
    return [
        Item(
            label=f"{d.doc_type} {d.document_number or d.numero_entrega}",
            url=reverse("edocs:documento", args=[d.pk]),
            when=d.sent_on,
            detail=str(d.estado_documento),
        )
        for d in rows
    ]


def _despacho_pending(ctx):
    """Observations to answer, corrections to accept and documents requested by the aforo."""
    from ecuapass.despacho.models import Correction, DocumentRequest, Observation

    if ctx.oce is None:
        return []
    items: list[Item] = []
    scope = {"case__edoc__filer_oce_id": ctx.oce.pk, "case__closed_on": None}
    observations = (
        Observation.objects.filter(answered_on=None, **scope)
        .select_related("case__edoc")
        .order_by("raised_on", "id")[: ctx.limit]
    )
    for o in observations:
        items.append(
            Item(
                label=_("Observación por responder: %(doc)s") % {"doc": o.case},
                url=reverse("edocs:documento", args=[o.case.edoc_id]),
                when=o.raised_on,
                level="warning",
            )
        )
    corrections = (
        Correction.objects.filter(status=Correction.Status.PROPUESTA, **scope)
        .select_related("case__edoc")
        .order_by("id")[: ctx.limit]
    )
    for c in corrections:
        items.append(
            Item(
                label=_("Corrección por aceptar: %(doc)s") % {"doc": c.case},
                url=reverse("edocs:documento", args=[c.case.edoc_id]),
                level="warning",
            )
        )
    requests = (
        DocumentRequest.objects.filter(status=DocumentRequest.Status.PENDIENTE, **scope)
        .select_related("case__edoc")
        .order_by("requested_on", "id")[: ctx.limit]
    )
    for r in requests:
        items.append(
            Item(
                label=_("Documento solicitado: %(doc)s") % {"doc": r.case},
                url=reverse("edocs:documento", args=[r.case.edoc_id]),
                when=r.requested_on,
                level="warning",
            )
        )
    return items[: ctx.limit]


def _unread(ctx):
    from ecuapass.notifications.models import Notification

    rows = (
        Notification.objects.visible_to(ctx.user, ctx.oce)
        .unread_for(ctx.user)
        .only("id", "subject", "created_on")
        .order_by("-created_on", "-id")[: ctx.limit]
    )
    return [
        Item(label=n.subject, url=reverse("notifications:detail", args=[n.pk]), when=n.created_on)
        for n in rows
    ]


SAMPLE = 200  # the operator's latest documents looked at (one page of edoc_filer_sent)
DAYS = 90


def _duration(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}


def _tiempos(ctx):
    """The operator's tiempos de despacho: median envío → salida autorizada per canal (90 days).

    Two bounded queries: the latest ``SAMPLE`` documents the code sent in the period (index
    ``edoc_filer_sent``) and their "salida autorizada" transitions (index ``edoc_history_doc``).
    """
    from datetime import timedelta
    from statistics import median

    from django.utils import timezone

    from ecuapass.edocs.models import EDocument, StatusChange
    from ecuapass.edocs.states import CanalAforo

    if ctx.oce is None:
        return []
    since = timezone.now() - timedelta(days=DAYS)
    docs = {
        pk: (canal, sent)
        for pk, canal, sent in EDocument.objects.filter(filer_oce_id=ctx.oce.pk, sent_on__gte=since)
        .order_by("-sent_on", "-id")
        .values_list("pk", "canal_aforo", "sent_on")[:SAMPLE]
    }
    released = StatusChange.objects.filter(
        document_id__in=list(docs), to_state="salida_autorizada"
    ).values_list("document_id", "at")
    by_canal: dict[str, list] = {}
    for doc_id, at in released:
        canal, sent = docs[doc_id]
        by_canal.setdefault(canal or "", []).append(at - sent)
    labels = dict(CanalAforo.choices)
    return [
        Item(
            label=_("%(canal)s: mediana %(t)s")
            % {
                "canal": labels.get(canal, canal or "-"),
                "t": _duration(median(times)),
            },
            detail=_("%(n)s trámites") % {"n": len(times)},
        )
        for canal, times in sorted(by_canal.items())
    ][: ctx.limit]


def register_all() -> None:
    register(
        Block(
            key="edocs.drafts",
            title=_("Borradores pendientes"),
            rows=_drafts,
            link="edocs:elaboracion",
            menu_options=("1.1",),
            order=10,
        )
    )
    register(
        Block(
            key="despacho.pending",
            title=_("Documentos que esperan su acción"),
            rows=_despacho_pending,
            link="edocs:estados",
            menu_options=("1.3",),
            order=20,
        )
    )
    register(
        Block(
            key="edocs.latest",
            title=_("Últimos cambios de estado de sus trámites"),
            rows=_latest_states,
            link="edocs:estados",
            menu_options=("1.3",),
            order=60,
        )
    )
    register(
        Block(
            key="despacho.tiempos",
            title=_("Tiempos de despacho (últimos 90 días)"),
            rows=_tiempos,
            menu_options=("1.3",),
            order=65,
            empty_text=_("Sin trámites con salida autorizada en el período."),
        )
    )
    register(
        Block(
            key="notifications.unread",
            title=_("Notificaciones no leídas"),
            rows=_unread,
            link="notifications:inbox",
            order=70,
        )
    )

"""What the officers and the operators see of the despacho: bandeja, trámite, timeline."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from ecuapass.edocs.lifecycle import actor_label

from .models import AforoCase, AforoEvent, Attachment, DocumentRequest, Observation


def officer_cases(officer):
    """The cases of the officer's distritos (every distrito for an administrador)."""
    qs = AforoCase.objects.all()
    if officer.acts_everywhere:
        return qs
    return qs.filter(distrito__in=sorted(officer.distrito_codes))


class Vista:
    MIOS = "mios"
    DISTRITO = "distrito"
    SIN_ASIGNAR = "sin_asignar"


class Estado:
    ABIERTOS = "abiertos"
    VENCIDOS = "vencidos"
    CERRADOS = "cerrados"
    TODOS = "todos"


BANDEJA_ONLY = (
    "id",
    "canal",
    "distrito",
    "importer_ruc",
    "importer_name",
    "opened_on",
    "assigned_on",
    "due_on",
    "closed_on",
    "resultado",
    "tecnico_id",
    "tecnico__user__username",
    "tecnico__user__first_name",
    "tecnico__user__last_name",
    "edoc_id",
    "edoc__numero_entrega",
    "edoc__document_number",
    "edoc__estado_documento",
    "edoc__sent_on",
    "edoc__doc_type",
)


def bandeja(officer, *, vista=Vista.MIOS, estado=Estado.ABIERTOS, canal="", distrito=""):
    """The bandeja de trámites: one query per page (plus the count), ordered in the database.

    Open cases: the most urgent first (plazo); closed ones: the latest first.
    """
    qs = officer_cases(officer)
    if vista == Vista.MIOS:
        qs = qs.filter(tecnico=officer)
    elif vista == Vista.SIN_ASIGNAR:
        qs = qs.filter(tecnico__isnull=True)
    if distrito:
        qs = qs.filter(distrito=distrito)
    if canal:
        qs = qs.filter(canal=canal)
    if estado == Estado.ABIERTOS:
        qs = qs.filter(closed_on__isnull=True).order_by("due_on", "id")
    elif estado == Estado.VENCIDOS:
        qs = qs.filter(closed_on__isnull=True, due_on__lt=timezone.now()).order_by("due_on", "id")
    elif estado == Estado.CERRADOS:
        qs = qs.filter(closed_on__isnull=False).order_by("-closed_on", "-id")
    else:
        qs = qs.order_by(Q(closed_on__isnull=False), "due_on", "id")
    return qs.select_related("edoc", "tecnico__user").only(*BANDEJA_ONLY)


def case_prefetched(qs):
    """Everything the trámite page (officer or operator) shows, in a fixed number of queries."""
    return qs.select_related("edoc", "tecnico__user").prefetch_related(
        Prefetch(
            "requests",
            queryset=DocumentRequest.objects.select_related("tipo").prefetch_related(
                Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
            ),
        ),
        Prefetch(
            "observations",
            queryset=Observation.objects.prefetch_related(
                Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
            ),
        ),
        "inspections__deposito",
        "corrections",
        "multas",
        Prefetch("events", queryset=AforoEvent.objects.select_related("by_user", "by_oce")),
    )


def case_for_officer(officer, edoc_pk: int) -> AforoCase:
    """The case of document ``edoc_pk`` if the officer's distritos cover it (else 404)."""
    case = case_prefetched(officer_cases(officer)).filter(edoc_id=edoc_pk).first()
    if case is None:
        raise Http404
    return case


def reliquidacion_of(case):
    rel = getattr(case, "reliquidacion", None) if case.pk else None
    return rel


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    label: str
    text: str
    role: str
    who: str
    ip: str


def role_label(code: str) -> str:
    return actor_label(code) if code else ""


def timeline(case, history, *, for_officer: bool, show_names: bool) -> list[TimelineEntry]:
    """State changes and aforo actions in order, with the role of whoever acted.

    ``show_names``: the officer's name (operators see it only where the setting allows);
    the address is shown to officers only.
    """
    entries = []
    for h in history:
        if h.field != "documento":
            continue
        entries.append(
            TimelineEntry(
                at=h.at,
                label=f"{h.from_label} → {h.to_label}",
                text=h.note,
                role=role_label(h.by_role),
                who=_who(h.by_user, h.by_process, h.by_role, show_names),
                ip=(h.ip or "") if for_officer else "",
            )
        )
    events = case.events.all() if case is not None else ()
    for e in events:
        if not for_officer and not e.visible_to_operator:
            continue
        entries.append(
            TimelineEntry(
                at=e.at,
                label=e.get_kind_display(),
                text=e.text,
                role=role_label(e.by_role),
                who=_who(e.by_user, "", e.by_role, show_names, oce=e.by_oce),
                ip=(e.ip or "") if for_officer else "",
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


def _who(user, process, role, show_names, oce=None) -> str:
    if oce is not None:
        return f"{user.username if user else ''} / {oce.code}".strip(" /")
    if user is None:
        return process or ""
    from ecuapass.officers.roles import Role

    if role in Role.values and not show_names:
        return ""
    return user.get_full_name() or user.username


def history_of(edoc):
    return list(chain(edoc.history.select_related("by_user")))

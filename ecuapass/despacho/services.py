"""Every action of the despacho, each in one transaction.

Officer actions take the acting ``officer`` (``ecuapass.officers``) and the client's ``ip``;
the técnico's actions require the técnico the case is assigned to, in the document's distrito
(the lifecycle's actor check says the same for the transitions). Operator actions take the
``user`` and the código de OCE (``oce``) whose scope the caller already checked
(``edocs.access.document_for``). Errors are ``DespachoError`` (Spanish, naming the field);
nothing is saved half-way.
"""

from __future__ import annotations

import bisect
import functools
import logging
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecuapass.core import formatting
from ecuapass.core.db import insert
from ecuapass.core.formatting import money
from ecuapass.core.models import Capability
from ecuapass.core.numbering import next_value
from ecuapass.edocs import batch, lifecycle
from ecuapass.edocs.lifecycle import FILER, PARTY, Notice
from ecuapass.edocs.states import CanalAforo
from ecuapass.officers.roles import Role

from . import corrections as corr
from . import files
from .deadlines import due_for
from .errors import DespachoError, NotYourCase, WrongState
from .models import (
    AforoCase,
    AforoEvent,
    Attachment,
    Correction,
    DocumentRequest,
    Inspection,
    Multa,
    Observation,
    Reliquidacion,
    ReliquidacionTributo,
    Resultado,
    TarifaMulta,
    TipoDocumentoSoporte,
)

logger = logging.getLogger(__name__)

MOTOR_DE_RIESGO = "motor-de-riesgo"
EN_AFORO = "en_aforo"
CANAL_ASIGNADO = "canal_asignado"
ACEPTADO = "aceptado"
FISICOS = {CanalAforo.FISICO_INTRUSIVO, CanalAforo.FISICO_NO_INTRUSIVO}
K = AforoEvent.Kind

# --- notices to the operator (the buzón of the filer and of the importer) ------------------------
DOCUMENTOS_NOTICE = Notice(
    subject=gettext_lazy("SOLICITUD DE DOCUMENTOS DE SOPORTE - %(numero)s"),
    body=gettext_lazy(
        "En el aforo de la declaración %(numero)s (entrega %(entrega)s) se solicitan los "
        "siguientes documentos de soporte: %(nota)s Súbalos digitalizados (PDF, JPEG o PNG) desde "
        "la página del documento en 1.3 o por la API."
    ),
)
INSPECCION_NOTICE = Notice(
    subject=gettext_lazy("INSPECCIÓN PROGRAMADA - %(numero)s"),
    body=gettext_lazy(
        "La inspección física de la declaración %(numero)s (entrega %(entrega)s) se realizará: "
        "%(nota)s"
    ),
)
OBSERVACION_NOTICE = Notice(
    subject=gettext_lazy("OBSERVACIÓN DE AFORO - %(numero)s"),
    body=gettext_lazy(
        "El técnico aforador registró una observación en la declaración %(numero)s (entrega "
        "%(entrega)s) que debe responder desde la página del documento en 1.3 o por la API: "
        "%(nota)s"
    ),
)
CORRECCION_NOTICE = Notice(
    subject=gettext_lazy("CORRECCIÓN PROPUESTA EN EL AFORO - %(numero)s"),
    body=gettext_lazy(
        "El técnico aforador propone corregir la declaración %(numero)s (entrega %(entrega)s): "
        "%(nota)s Acéptela o impúgnela desde la página del documento en 1.3 o por la API."
    ),
)


# --- who acts ------------------------------------------------------------------------------------
def _require_tecnico(case: AforoCase, officer) -> None:
    if officer is None or not officer.may_act_as(Role.TECNICO, case.distrito):
        raise NotYourCase(
            _("Esta acción es del técnico aforador del distrito %(d)s.") % {"d": case.distrito}
        )
    if case.tecnico_id != officer.pk:
        raise NotYourCase(_("El trámite está asignado a otro técnico aforador."))


def may_supervise(officer, distrito: str) -> bool:
    return officer is not None and (
        officer.may_act_as(Role.SUPERVISOR, distrito) or officer.may_act_as(Role.ADMIN, distrito)
    )


def operator_role(edoc, oce) -> str:
    return FILER if oce is not None and oce.pk == edoc.filer_oce_id else PARTY


def _event(case, kind, text="", *, user=None, role="", oce=None, ip=None) -> AforoEvent:
    """Record an action of the trámite. In a worker's batch (the assignment when a DAI is
    accepted) the row is written with the batch's other events in one INSERT at its end
    (``edocs.batch.insert_at_end``: nothing reads the events back before; one rolled back
    with its savepoint is dropped)."""
    event = AforoEvent(
        case=case,
        kind=kind,
        text=str(text)[:4000],
        by_user=user,
        by_role=role,
        by_oce=oce,
        ip=ip or None,
    )
    if not batch.insert_at_end(event):
        event.save(force_insert=True)
    return event


def _locked(case: AforoCase) -> AforoCase:
    """The case row locked for this transaction, with its document."""
    return AforoCase.objects.select_for_update(of=("self",)).select_related("edoc").get(pk=case.pk)


def _require_state(case: AforoCase, *states: str) -> None:
    if case.edoc.estado_documento not in states:
        raise WrongState(
            _("El documento está en estado «%(s)s»: la acción no corresponde.")
            % {"s": lifecycle.state_label(case.edoc.estado_documento)}
        )


def _required_text(value: str, field: str, message) -> str:
    text = (value or "").strip()
    if not text:
        raise DespachoError(message, field=field)
    return text[:4000]


def _notify_officer(officer, subject, body, related, params: dict | None = None) -> None:
    """``params``: ``subject``/``body`` are message templates rendered in the reader's language
    when read (``notifications.rendering``)."""
    if officer is None:
        return
    from ecuapass.edocs.notices import CATEGORY, SENDER
    from ecuapass.notifications.services import notify

    notify(
        user=officer.user,
        sender=SENDER,
        subject=subject,
        body=body,
        params=params,
        category=CATEGORY,
        related=related,
    )


# --- opening: canal, case, assignment --------------------------------------------------------------
def open_despacho(edoc, *, canal: str | None = None) -> AforoCase | None:
    """Assign the canal of an accepted DAI and open its aforo (None for automático).

    ``canal``: None asks the motor de riesgo (``ecuapass.risk.services.assign_canal``).
    Idempotent: a document that already has its canal returns its case.
    """
    with transaction.atomic():
        return _open(edoc, canal)


def _open(edoc, canal: str | None) -> AforoCase | None:
    """``open_despacho``'s work, in the caller's transaction: directly under the savepoint of
    ``open_despacho`` or ``despachar_aceptado``, which roll it all back if any of it fails (so
    its transitions need no savepoint of their own)."""
    if edoc.estado_documento != ACEPTADO or edoc.canal_aforo:
        return AforoCase.objects.filter(edoc=edoc).first()
    if canal is None:
        from ecuapass.risk.services import assign_canal

        canal = assign_canal(edoc, edoc.content).canal
    canal = CanalAforo(canal).value

    def set_canal(locked):
        locked.canal_aforo = canal  # saved with the transition's state (``also_save``)

    edoc = lifecycle.fire(
        edoc,
        "asignar_canal",
        process=MOTOR_DE_RIESGO,
        before=set_canal,
        also_save=("canal_aforo",),
        savepoint=False,
    )
    if canal == CanalAforo.AUTOMATICO:
        lifecycle.fire(edoc, "cerrar_aforo_automatico", process=MOTOR_DE_RIESGO, savepoint=False)
        return None
    content = edoc.content
    now = timezone.now()
    batch.written("despacho.aforocase", edoc.pk)  # obligaciones.dai.CASES
    tecnico = least_loaded(edoc.distrito)
    # Born assigned (no UPDATE for the técnico); save(force_insert=True) with its signals, the
    # statement built once (core.db.insert).
    [case] = insert(
        [
            AforoCase(
                edoc=edoc,
                canal=canal,
                distrito=edoc.distrito,
                importer_ruc=getattr(content, "importador_ruc", "") or "",
                importer_name=(getattr(content, "importador_nombre", "") or "")[:300],
                opened_on=now,
                due_on=due_for(canal, now),
                tecnico=tecnico,
                assigned_on=now if tecnico is not None else None,
            )
        ],
        signals=True,
    )
    if tecnico is not None:
        _assign(
            case, tecnico, kind=K.ASIGNADO, user=None, role=lifecycle.PROCESS, ip=None, save=False
        )
        _count_assigned(case.distrito, tecnico)
    return case


# The canal the next acceptances get instead of the motor de riesgo's (demo data only).
_DECIDED_CANAL: ContextVar[str | None] = ContextVar("despacho_decided_canal", default=None)


@contextmanager
def canal_decided(canal: str):
    """Within the block, accepted DAIs get ``canal`` without asking the motor de riesgo.

    For the demo data, which shows a DAI in every canal; the product never uses it.
    """
    token = _DECIDED_CANAL.set(CanalAforo(canal).value)
    try:
        yield
    finally:
        _DECIDED_CANAL.reset(token)


def despachar_aceptado(edoc) -> None:
    """The DAI's ``after_acceptance`` hook: open the despacho without ever undoing the acceptance.

    A failure (the motor de riesgo, a missing catalog) is logged and rolled back to a savepoint:
    the DAI stays "Aceptado" with its number, and ``manage.py abrir_despachos`` opens it later.
    """
    from ecuapass.edocs import batch

    if batch.without_savepoints():  # a failure aborts the batch's attempt, which runs again
        _open(edoc, _DECIDED_CANAL.get())
        return
    snapshot = dict(edoc.__dict__)  # a worker's batch moves its instance in place (lifecycle)
    try:
        with transaction.atomic():  # its savepoint is open_despacho's
            _open(edoc, _DECIDED_CANAL.get())
    except Exception:
        edoc.__dict__.clear()
        edoc.__dict__.update(snapshot)
        logger.exception("despacho: no se pudo abrir el despacho de %s", edoc.pk)


def pending_openings():
    """Accepted documents with the aforo feature still waiting for their canal."""
    from ecuapass.edocs import registry
    from ecuapass.edocs.models import EDocument

    types = [t.code for t in registry.all_types() if t.has("aforo")]
    return EDocument.objects.filter(doc_type__in=types, estado_documento=ACEPTADO, canal_aforo="")


def open_load_subquery():
    """Open cases of the outer officer (``OuterRef("pk")``), for workload annotations."""
    return Coalesce(
        Subquery(
            AforoCase.objects.filter(tecnico=OuterRef("pk"), closed_on__isnull=True)
            .order_by()
            .values("tecnico")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _tecnicos_by_load(distrito: str):
    """The técnicos of ``distrito`` with their open cases (``carga``), least loaded first
    (ties: alphabetical ID Usuario, then id)."""
    from ecuapass.officers.services import officers_for

    return (
        officers_for(distrito, Role.TECNICO)
        .annotate(carga=open_load_subquery())
        .order_by("carga", "user__username", "pk")
    )


def least_loaded(distrito: str):
    """The técnico of ``distrito`` with the fewest open cases (ties: alphabetical ID Usuario).

    In a worker's batch (``edocs.batch``) the técnicos and their loads are read once per batch
    and distrito; each case the batch assigns adds one to its técnico's load when its document
    ends (``_count_assigned``; never for a document rolled back), so the batch assigns exactly
    as one-by-one processing would over the loads it read."""
    if not batch.active():
        return _tecnicos_by_load(distrito).first()
    # Listed in the order that breaks ties (ID Usuario by the database's collation, then id).
    tied = batch.memo(("despacho.loads", distrito), lambda: _assignees(distrito))
    return min(tied, key=lambda t: (t.carga, tied.index(t)), default=None)


# What the batch's assignment reads of a técnico and their user (``_assign``: the name in the
# case's event, the user the notice is for).
_ASSIGNEE_FIELDS = ("user", "user__username", "user__first_name", "user__last_name")


def _assignees(distrito: str) -> list:
    """The técnicos of ``distrito`` with their loads, for a batch: in the order that breaks ties,
    with only what the assignment reads (one query: no roles and distritos prefetched for
    ``may_act_as``, no other columns)."""
    return list(_assignees_query(distrito).all())


@functools.lru_cache(maxsize=64)
def _assignees_query(distrito: str):
    """``_assignees``' query, built once per process and distrito (its joins, DISTINCT and load
    subquery cost ~2 ms to build): each batch runs a copy of it (``all()``), never its rows."""
    return (
        _tecnicos_by_load(distrito)
        .prefetch_related(None)
        .only(*_ASSIGNEE_FIELDS)
        .order_by("user__username", "pk")
    )


def _count_assigned(distrito: str, tecnico) -> None:
    """One more open case for ``tecnico`` in the batch's loads, once its document is kept."""

    def count():
        tecnico.carga += 1

    batch.after_document(count)  # nothing outside a batch


def _assign(case, tecnico, *, kind, user, role, ip, note="", save=True) -> None:
    """``save=False``: the case was created with its técnico and ``assigned_on``."""
    if save:
        case.tecnico = tecnico
        case.assigned_on = timezone.now()
        case.save(update_fields=["tecnico", "assigned_on"])
    text = _("Asignado a %(name)s (%(user)s).") % {
        "name": tecnico.user.get_full_name(),
        "user": tecnico.user.username,
    }
    _event(case, kind, f"{text} {note}".strip(), user=user, role=role, ip=ip)
    edoc = case.edoc
    _notify_officer(
        tecnico,
        gettext_lazy("TRÁMITE ASIGNADO - %(numero)s"),
        gettext_lazy(
            "Se le asignó el aforo %(canal)s de la declaración %(numero)s, con plazo hasta el "
            "%(plazo)s."
        ),
        edoc,
        params={
            "canal": CanalAforo(case.canal).label,
            "numero": edoc.document_number,
            "plazo": case.due_on,
        },
    )


def reassign(case: AforoCase, tecnico, *, officer, ip=None, note: str = "") -> AforoCase:
    """The supervisor gives an open case to another técnico of its distrito."""
    from ecuapass.officers.services import officers_for

    with transaction.atomic():
        case = _locked(case)
        if not may_supervise(officer, case.distrito):
            raise NotYourCase(
                _("Reasignar es del supervisor del distrito %(d)s.") % {"d": case.distrito}
            )
        if not case.is_open:
            raise WrongState(_("El aforo ya está cerrado."))
        if (
            tecnico is None
            or not officers_for(case.distrito, Role.TECNICO).filter(pk=tecnico.pk).exists()
        ):
            raise DespachoError(
                _("Elija un técnico aforador activo del distrito %(d)s.") % {"d": case.distrito},
                field="tecnico",
            )
        if tecnico.pk == case.tecnico_id:
            raise DespachoError(_("El trámite ya está asignado a ese técnico."), field="tecnico")
        _assign(
            case,
            tecnico,
            kind=K.REASIGNADO,
            user=officer.user,
            role=Role.SUPERVISOR
            if officer.may_act_as(Role.SUPERVISOR, case.distrito)
            else Role.ADMIN,
            ip=ip,
            note=(note or "").strip()[:500],
        )
    return case


# --- the técnico's actions --------------------------------------------------------------------------
def start(case: AforoCase, *, officer, ip=None) -> AforoCase:
    with transaction.atomic():
        case = _locked(case)
        _require_tecnico(case, officer)
        _require_state(case, CANAL_ASIGNADO)
        lifecycle.fire(case.edoc, "iniciar_aforo", user=officer.user, ip=ip)
        case.started_on = timezone.now()
        case.save(update_fields=["started_on"])
    return case


def request_documents(
    case: AforoCase, tipos: Sequence[TipoDocumentoSoporte], note: str = "", *, officer, ip=None
) -> list[DocumentRequest]:
    tipos = list(dict.fromkeys(tipos))
    if not tipos:
        raise DespachoError(_("Elija al menos un documento de soporte."), field="documentos")
    with transaction.atomic():
        case = _locked(case)
        _require_tecnico(case, officer)
        _require_state(case, EN_AFORO)
        note = (note or "").strip()[:2000]
        rows = [
            DocumentRequest.objects.create(
                case=case, tipo=tipo, note=note, requested_by=officer.user
            )
            for tipo in tipos
        ]
        names = "; ".join(t.localized_name for t in tipos)
        text = f"{names}. {note}".strip() if note else f"{names}."
        _event(case, K.DOCUMENTOS, text, user=officer.user, role=Role.TECNICO, ip=ip)
        lifecycle.send_notice(case.edoc, DOCUMENTOS_NOTICE, note=text)
    return rows


def schedule_inspection(
    case: AforoCase, *, when: datetime, place: str, deposito=None, officer, ip=None
) -> Inspection:
    place = _required_text(place, "lugar", _("Indique el lugar de la inspección."))
    if when is None or when <= timezone.now():
        raise DespachoError(
            _("La inspección debe programarse en una fecha y hora futuras."), field="fecha"
        )
    with transaction.atomic():
        case = _locked(case)
        _require_tecnico(case, officer)
        _require_state(case, EN_AFORO)
        if case.canal not in FISICOS:
            raise DespachoError(_("Solo un aforo físico tiene inspección."))
        if case.inspections.filter(outcome="").exists():
            raise DespachoError(_("Ya hay una inspección programada sin resultado."))
        if deposito is not None and not deposito.registration.oce_type.has(Capability.DEPOSITO):
            raise DespachoError(_("Elija un depósito temporal."), field="deposito")
        inspection = Inspection.objects.create(
            case=case, scheduled_for=when, place=place, deposito=deposito, scheduled_by=officer.user
        )
        text = _("%(fecha)s en %(lugar)s.") % {
            "fecha": formatting.fecha_hora(when),
            "lugar": place + (f" ({deposito.code})" if deposito else ""),
        }
        _event(case, K.INSPECCION, text, user=officer.user, role=Role.TECNICO, ip=ip)
        lifecycle.send_notice(case.edoc, INSPECCION_NOTICE, note=text)
        if deposito is not None:
            _notify_deposito(case, deposito, when, place)
    return inspection


def _notify_deposito(case, deposito, when, place: str) -> None:
    """Rendered in the reader's language when read (the moment as dd/mm/aaaa hh:mm)."""
    from ecuapass.edocs.notices import CATEGORY, SENDER
    from ecuapass.notifications.services import notify

    edoc = case.edoc
    notify(
        oce_code=deposito,
        sender=SENDER,
        subject=gettext_lazy("INSPECCIÓN PROGRAMADA EN SU DEPÓSITO - %(numero)s"),
        body=gettext_lazy(
            "La carga de la declaración %(numero)s (importador %(importador)s) será inspeccionada: "
            "%(texto)s Tenga la carga disponible."
        ),
        params={
            "numero": edoc.document_number,
            "importador": case.importer_name,
            "texto": gettext_lazy("%(fecha)s en %(lugar)s."),
            "fecha": when,
            "lugar": f"{place} ({deposito.code})",
        },
        kind="despacho.inspeccion_deposito",
        category=CATEGORY,
    )


def record_inspection(
    inspection: Inspection, *, outcome: str, findings: str, officer, ip=None
) -> Inspection:
    if outcome not in Inspection.Outcome.values:
        raise DespachoError(_("Elija el resultado de la inspección."), field="resultado")
    findings = _required_text(findings, "hallazgos", _("Describa lo encontrado en la inspección."))
    with transaction.atomic():
        case = _locked(inspection.case)
        _require_tecnico(case, officer)
        _require_state(case, EN_AFORO)
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.outcome:
            raise DespachoError(_("El resultado de esta inspección ya fue registrado."))
        inspection.outcome = outcome
        inspection.findings = findings
        inspection.recorded_by = officer.user
        inspection.recorded_on = timezone.now()
        inspection.save()
        text = f"{inspection.get_outcome_display()}: {findings}"
        _event(case, K.RESULTADO, text, user=officer.user, role=Role.TECNICO, ip=ip)
    return inspection


def observe(case: AforoCase, text: str, *, officer, ip=None) -> Observation:
    text = _required_text(text, "observacion", _("Escriba la observación."))
    with transaction.atomic():
        case = _locked(case)
        _require_tecnico(case, officer)
        _require_state(case, EN_AFORO)
        observation = Observation.objects.create(case=case, text=text, raised_by=officer.user)
        _event(case, K.OBSERVACION, text, user=officer.user, role=Role.TECNICO, ip=ip)
        lifecycle.send_notice(case.edoc, OBSERVACION_NOTICE, note=text)
    return observation


def propose_correction(
    case: AforoCase,
    *,
    field: str,
    item_numero: int | None,
    new_value: str,
    reason: str,
    officer,
    ip=None,
) -> Correction:
    reason = _required_text(reason, "motivo", _("Indique el motivo de la corrección."))
    with transaction.atomic():
        case = _locked(case)
        _require_tecnico(case, officer)
        _require_state(case, EN_AFORO)
        dai = case.edoc.content
        old, new = corr.check(dai, field=field, item_numero=item_numero, new_value=new_value)
        spec = corr.FIELDS[field]
        if (
            case.corrections.filter(field=field, item_numero=item_numero if spec.item else None)
            .exclude(status=Correction.Status.RETIRADA)
            .exists()
        ):
            raise DespachoError(
                _("Ya hay una corrección de ese campo: retírela antes de proponer otra."),
                field="campo",
            )
        correction = Correction(
            case=case,
            item_numero=item_numero if spec.item else None,
            field=field,
            old_value=old,
            new_value=new,
            reason=reason,
            proposed_by=officer.user,
        )
        # The corrected declaration must still liquidate (a subpartida in force…).
        in_effect = [c for c in case.corrections.all() if c.in_effect] + [correction]
        corr.reliquidate(dai, in_effect)
        correction.save()
        text = describe(correction)
        _event(case, K.CORRECCION, text, user=officer.user, role=Role.TECNICO, ip=ip)
        lifecycle.send_notice(case.edoc, CORRECCION_NOTICE, note=text)
    return correction


def describe(correction: Correction) -> str:
    where = (
        _("ítem %(n)s, %(campo)s") % {"n": correction.item_numero, "campo": correction.field_label}
        if correction.item_numero
        else correction.field_label
    )
    return _("%(where)s: %(old)s → %(new)s. Motivo: %(reason)s") % {
        "where": where,
        "old": correction.old_value,
        "new": correction.new_value,
        "reason": correction.reason,
    }


def withdraw_correction(correction: Correction, *, officer, ip=None) -> Correction:
    with transaction.atomic():
        case = _locked(correction.case)
        _require_tecnico(case, officer)
        _require_state(case, EN_AFORO)
        correction = Correction.objects.select_for_update().get(pk=correction.pk)
        if correction.status == Correction.Status.RETIRADA:
            raise DespachoError(_("La corrección ya fue retirada."))
        correction.status = Correction.Status.RETIRADA
        correction.save(update_fields=["status"])
        _event(case, K.RETIRO, describe(correction), user=officer.user, role=Role.TECNICO, ip=ip)
    return correction


@dataclass(frozen=True)
class MultaInput:
    code: str
    note: str = ""


def close_for_anulacion(edoc) -> None:
    """The DAI was anulada: its open case leaves the bandeja (closed, no resultado), logged."""
    case = AforoCase.objects.select_for_update().filter(edoc=edoc, closed_on__isnull=True).first()
    if case is None:
        return
    case.closed_on = timezone.now()
    case.save(update_fields=["closed_on"])
    _event(case, K.ANULADO, _("Declaración anulada: el trámite sale de la bandeja."))


def close_aforo(
    case: AforoCase,
    *,
    resultado: str,
    note: str = "",
    multas: Iterable[MultaInput] = (),
    officer,
    ip=None,
) -> AforoCase:
    """Cerrar aforo: conforme, or con novedad (re-liquidation, complementaria, multas)."""
    multas = list(multas)
    note = (note or "").strip()[:4000]
    if resultado not in Resultado.values:
        raise DespachoError(_("Elija el resultado del aforo."), field="resultado")
    with transaction.atomic():
        case = _locked(case)
        _require_tecnico(case, officer)
        _require_state(case, EN_AFORO)
        if case.canal in FISICOS and not case.inspections.exclude(outcome="").exists():
            raise DespachoError(_("Registre el resultado de la inspección física antes de cerrar."))
        applied = [c for c in case.corrections.all() if c.in_effect]
        if resultado == Resultado.CONFORME and (applied or multas):
            raise DespachoError(
                _("Hay correcciones o multas: el aforo se cierra con novedad."), field="resultado"
            )
        if resultado == Resultado.CON_NOVEDAD and not note:
            raise DespachoError(_("Describa la novedad en el informe de cierre."), field="informe")
        today = timezone.localdate()
        tarifas = [(_tarifa(m.code, today), m.note.strip()[:2000]) for m in multas]
        dai = case.edoc.content
        outcome = corr.reliquidate(dai, applied) if applied else None
        numero = complementaria_number(case, today) if outcome and outcome.rises else ""
        transition = "emitir_liquidacion_complementaria" if numero else "cerrar_aforo"
        summary = [note] if note else []
        if numero:
            summary.append(
                _("Liquidación complementaria %(numero)s por USD %(monto)s.")
                % {"numero": numero, "monto": money(outcome.total().diferencia)}
            )
        summary += [
            _("Multa %(code)s: USD %(amount)s (%(basis)s).")
            % {"code": t.code, "amount": money(t.amount), "basis": t.legal_basis}
            for t, _n in tarifas
        ]

        def record(_locked_edoc):
            if outcome is not None:
                _save_reliquidacion(case, outcome, numero, officer=officer, ip=ip)
            for tarifa, multa_note in tarifas:
                Multa.objects.create(
                    case=case,
                    tarifa=tarifa,
                    code=tarifa.code,
                    name=tarifa.name,
                    legal_basis=tarifa.legal_basis,
                    amount=tarifa.amount,
                    importer_ruc=case.importer_ruc,
                    note=multa_note,
                    imposed_by=officer.user,
                )
                _event(
                    case,
                    K.MULTA,
                    f"{tarifa.code} - {tarifa.name}: USD {tarifa.amount}. {multa_note}".strip(),
                    user=officer.user,
                    role=Role.TECNICO,
                    ip=ip,
                )
            case.closed_on = timezone.now()
            case.resultado = resultado
            case.cierre_note = note
            case.save(update_fields=["closed_on", "resultado", "cierre_note"])

        lifecycle.fire(
            case.edoc, transition, user=officer.user, ip=ip, note=" ".join(summary), before=record
        )
    return case


def _tarifa(code: str, on) -> TarifaMulta:
    tarifa = TarifaMulta.objects.in_force(on).filter(code=code).order_by("-valid_from").first()
    if tarifa is None:
        raise DespachoError(
            _("La multa «%(code)s» no está en el catálogo vigente.") % {"code": str(code)[:16]},
            field="multas",
        )
    return tarifa


def complementaria_number(case: AforoCase, on) -> str:
    """``distrito-año-LC-secuencial``, gap-free: call inside the cierre's transaction."""
    seq = next_value(f"despacho.liquidacion_complementaria:{case.distrito}:{on.year}")
    return f"{case.distrito}-{on.year:04d}-LC-{seq:08d}"


def _save_reliquidacion(case, outcome, numero: str, *, officer, ip) -> Reliquidacion:
    total = outcome.total()
    rel = Reliquidacion.objects.create(
        case=case,
        numero=numero,
        fecha=outcome.fecha,
        total_original=total.original,
        total_corregido=total.corregido,
        diferencia=total.diferencia,
        detalle=outcome.detalle,
        issued_by=officer.user,
    )
    ReliquidacionTributo.objects.bulk_create(
        ReliquidacionTributo(
            reliquidacion=rel,
            tributo=d.tributo,
            original=d.original,
            corregido=d.corregido,
            diferencia=d.diferencia,
        )
        for d in outcome.tributos
    )
    text = _(
        "Tributos liquidados USD %(orig)s, con las correcciones USD %(new)s (diferencia %(diff)s)."
    ) % {
        "orig": money(total.original),
        "new": money(total.corregido),
        "diff": money(total.diferencia),
    }
    if numero:
        text = _("Liquidación complementaria %(numero)s. ") % {"numero": numero} + text
    _event(case, K.RELIQUIDACION, text, user=officer.user, role=Role.TECNICO, ip=ip)
    return rel


# --- the operator's answers -----------------------------------------------------------------------
def _operator_case(edoc) -> AforoCase:
    case = AforoCase.objects.filter(edoc=edoc).first()
    if case is None:
        raise DespachoError(_("La declaración no tiene un aforo abierto."))
    return case


def _require_open_for_operator(case: AforoCase) -> None:
    if not case.is_open or case.edoc.estado_documento not in (CANAL_ASIGNADO, EN_AFORO):
        raise WrongState(_("El aforo está cerrado: ya no se reciben respuestas."))


def _save_files(case, uploads, *, user, oce, request=None, observation=None) -> list[Attachment]:
    """Check every file first (nothing is written if one is refused), then store them."""
    for uploaded in uploads:
        files.check(uploaded)
    stored = []
    try:
        for uploaded in uploads:
            stored.append(files.store(uploaded))
        return [
            Attachment.objects.create(
                case=case,
                request=request,
                observation=observation,
                stored_name=s.stored_name,
                original_name=s.original_name,
                content_type=s.content_type,
                size=s.size,
                sha256=s.sha256,
                uploaded_by=user,
                uploaded_oce=oce,
            )
            for s in stored
        ]
    except BaseException:
        for s in stored:
            files.discard(s)
        raise


def upload_document(
    document_request: DocumentRequest, uploaded, *, user, oce, ip=None
) -> Attachment:
    """The operator delivers a requested document (one file; more files may follow)."""
    with transaction.atomic():
        case = _locked(document_request.case)
        _require_open_for_operator(case)
        req = (
            DocumentRequest.objects.select_for_update()
            .select_related("tipo")
            .get(pk=document_request.pk)
        )
        (attachment,) = _save_files(case, [uploaded], user=user, oce=oce, request=req)
        if req.status != DocumentRequest.Status.ENTREGADO:
            req.status = DocumentRequest.Status.ENTREGADO
            req.delivered_on = timezone.now()
            req.save(update_fields=["status", "delivered_on"])
        text = f"{req.tipo.localized_name}: {attachment.original_name}"
        _event(case, K.ARCHIVO, text, user=user, role=operator_role(case.edoc, oce), oce=oce, ip=ip)
        _notify_officer(
            case.tecnico,
            gettext_lazy("DOCUMENTO ENTREGADO - %(numero)s"),
            gettext_lazy("El operador entregó «%(doc)s» en el aforo de la declaración %(numero)s."),
            case.edoc,
            params={"doc": text, "numero": case.edoc.document_number},
        )
    return attachment


def answer_observation(
    observation: Observation, answer: str, uploads=(), *, user, oce, ip=None
) -> Observation:
    answer = _required_text(answer, "respuesta", _("Escriba la respuesta."))
    uploads = [u for u in uploads if u is not None]
    with transaction.atomic():
        case = _locked(observation.case)
        _require_open_for_operator(case)
        observation = Observation.objects.select_for_update().get(pk=observation.pk)
        if observation.answered:
            raise DespachoError(_("La observación ya fue respondida."))
        _save_files(case, uploads, user=user, oce=oce, observation=observation)
        observation.answer = answer
        observation.answered_by = user
        observation.answered_on = timezone.now()
        observation.save(update_fields=["answer", "answered_by", "answered_on"])
        _event(
            case, K.RESPUESTA, answer, user=user, role=operator_role(case.edoc, oce), oce=oce, ip=ip
        )
        _notify_officer(
            case.tecnico,
            gettext_lazy("OBSERVACIÓN RESPONDIDA - %(numero)s"),
            "%(texto)s",
            case.edoc,
            params={"numero": case.edoc.document_number, "texto": answer},
        )
    return observation


def respond_correction(
    correction: Correction, *, accept: bool, response: str = "", user, oce, ip=None
) -> Correction:
    """The operator accepts or disputes (impugna, with reasons) a proposed correction.

    Possible after the cierre too: a dispute then stands as the operator's impugnación of the
    aforo's result, on the record of the trámite.
    """
    response = (response or "").strip()[:4000]
    if not accept and not response:
        raise DespachoError(_("Indique los motivos de la impugnación."), field="motivo")
    with transaction.atomic():
        case = _locked(correction.case)
        correction = Correction.objects.select_for_update().get(pk=correction.pk)
        if correction.status != Correction.Status.PROPUESTA:
            raise DespachoError(
                _("La corrección ya está «%(s)s».") % {"s": correction.get_status_display()}
            )
        correction.status = Correction.Status.ACEPTADA if accept else Correction.Status.IMPUGNADA
        correction.response = response
        correction.responded_by = user
        correction.responded_on = timezone.now()
        correction.save(update_fields=["status", "response", "responded_by", "responded_on"])
        kind = K.ACEPTACION if accept else K.IMPUGNACION
        text = f"{describe(correction)} — {response}" if response else describe(correction)
        _event(case, kind, text, user=user, role=operator_role(case.edoc, oce), oce=oce, ip=ip)
        _notify_officer(
            case.tecnico,
            (
                gettext_lazy("CORRECCIÓN ACEPTADA - %(numero)s")
                if accept
                else gettext_lazy("CORRECCIÓN IMPUGNADA - %(numero)s")
            ),
            "%(texto)s",
            case.edoc,
            params={"numero": case.edoc.document_number, "texto": text},
        )
    return correction


# --- the importer's history for the motor de riesgo ------------------------------------------------
def infractions_of(ruc: str, before: datetime | None) -> int:
    """Multas imposed on the importer ``ruc`` before ``before`` (risk.history source).

    In a worker's batch the importer's multas are read once (processing imposes none)."""
    if batch.active():
        times = batch.memo(
            ("despacho.multas", ruc),
            lambda: sorted(
                Multa.objects.filter(importer_ruc=ruc).values_list("imposed_on", flat=True)
            ),
        )
        return len(times) if before is None else bisect.bisect_left(times, before)
    qs = Multa.objects.filter(importer_ruc=ruc)
    if before is not None:
        qs = qs.filter(imposed_on__lt=before)
    return qs.count()


# --- workload ---------------------------------------------------------------------------------------
def workload(distritos: Iterable[str]):
    """Per técnico of ``distritos``: open cases and how many are overdue (the supervisor's view)."""
    from ecuapass.officers.models import Officer

    now = timezone.now()
    open_cases = Q(aforo_cases__closed_on__isnull=True)
    return (
        Officer.objects.active()
        .filter(distritos__code__in=list(distritos), role_rows__role=Role.TECNICO)
        .distinct()
        .select_related("user")
        .annotate(
            abiertos=Count("aforo_cases", filter=open_cases, distinct=True),
            vencidos=Count(
                "aforo_cases", filter=open_cases & Q(aforo_cases__due_on__lt=now), distinct=True
            ),
        )
        .order_by("-abiertos", "user__username")
    )

"""The requests' operations: build from a payload, file from the portal, decide, apply.

* ``build(edoc, data)`` / ``payload_of(solicitud)`` — the type's hooks: the content from the
  validated payload (the DAI resolved within what the filer sees, attachments stored), and back.
* ``file(code, payload, uploads, user=, oce=)`` — the portal's "Enviar": the same payload the API
  takes (attachments as base64), through the type's serializer and ``edocs.services.submit_payload``.
* ``decide(solicitud_edoc, approve=, officer=, note=, ip=)`` — the officer's approval or denial,
  through ``lifecycle.fire`` ("aprobar"/"denegar"): an approved corrección or sustitutiva writes the
  changes onto the DAI with a ``DaiVersion`` and recomputes its liquidación; an approved
  anulación fires the DAI's "anular" transition. One transaction; nothing half-way.
"""

from __future__ import annotations

import base64
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers as drf

from ecuapass.core.money import cents
from ecuapass.core.numbering import next_value
from ecuapass.despacho import files
from ecuapass.edocs import lifecycle, registry
from ecuapass.edocs import services as edocs
from ecuapass.edocs.engine_rules import flatten_errors
from ecuapass.edocs.lifecycle import TransitionNotAllowed
from ecuapass.edocs.models import EDocument, documents_changed
from ecuapass.edocs.notices import CATEGORY, SENDER, recipients

from . import changes, checks, kinds, targets
from .models import Adjunto, DaiVersion, Solicitud

logger = logging.getLogger(__name__)


class SolicitudError(Exception):
    """Bad input or a decision that does not fit now (Spanish; ``errors``: (field, message))."""

    def __init__(self, errors):
        if isinstance(errors, str):
            errors = [("", errors)]
        self.errors = [(str(f), str(m)) for f, m in errors]
        super().__init__("; ".join(m for _f, m in self.errors))


# --- the type's hooks ------------------------------------------------------------------------------
def build(edoc: EDocument, data: dict) -> Solicitud:
    """The content of a request from its validated payload (the envío keeps the payload as sent)."""
    ref = data["declaracion"]
    dai = checks.resolve_dai(
        edoc.filer_oce,
        numero_documento=ref.get("numero_documento", ""),
        numero_entrega=ref.get("numero_entrega", ""),
        doc_type=kinds.kind_of(edoc.doc_type).target,
    )
    solicitud = Solicitud.objects.create(
        edoc=edoc,
        dai_numero_documento=(ref.get("numero_documento") or "").strip()[:30],
        dai_numero_entrega=(ref.get("numero_entrega") or "").strip().upper()[:21],
        dai=dai,
        motivo=data["motivo"],
        causal=data.get("causal", ""),
        cabecera=data.get("cabecera") or {},
        items=data.get("items") or None,
        version_base=checks.current_version(dai) if dai is not None else 1,
    )
    _store(solicitud, [(a["nombre"], a["datos"]) for a in data.get("adjuntos") or []])
    return solicitud


def _store(solicitud: Solicitud, attachments: list[tuple[str, bytes]]) -> None:
    def save_row(_index, saved):
        Adjunto.objects.create(
            solicitud=solicitud,
            stored_name=saved.stored_name,
            original_name=saved.original_name,
            content_type=saved.content_type,
            size=saved.size,
            sha256=saved.sha256,
        )

    files.store_all(attachments, save_row)


def payload_of(solicitud: Solicitud) -> dict:
    """The request as the JSON e-doc the API accepts (attachments in base64)."""
    payload = {
        "tipo_documento": solicitud.edoc.doc_type,
        "declaracion": {
            "numero_documento": solicitud.dai_numero_documento,
            "numero_entrega": solicitud.dai_numero_entrega,
        },
        "motivo": solicitud.motivo,
    }
    if kinds.kind_of(solicitud.edoc.doc_type).with_changes:
        payload["cabecera"] = solicitud.cabecera or {}
        if solicitud.items:
            payload["items"] = solicitud.items
    else:
        payload["causal"] = solicitud.causal
    adjuntos = []
    for adjunto in solicitud.adjuntos.all():
        adjuntos.append({"nombre": adjunto.original_name, "contenido": files.base64_of(adjunto)})
    if adjuntos:
        payload["adjuntos"] = adjuntos
    return payload


def number(edoc: EDocument, solicitud: Solicitud) -> str:
    """``distrito-año-COR|SUS|ANU-secuencial``: call inside the acceptance transaction."""
    kind = kinds.kind_of(edoc.doc_type)
    distrito = solicitud.dai.distrito if solicitud.dai else edoc.distrito
    year = timezone.localdate(edoc.sent_on).year
    seq = next_value(f"correcciones.{kind.abbr}:{distrito}:{year}")
    return f"{distrito}-{year:04d}-{kind.abbr}-{seq:08d}"


def notify_officers(edoc: EDocument) -> None:
    """The request lands with the officers of the DAI's distrito who may decide it (buzón)."""
    from django.urls import reverse

    from ecuapass.notifications.services import notify
    from ecuapass.officers.services import officers_for

    kind = kinds.kind_of(edoc.doc_type)
    solicitud = edoc.content
    seen = set()
    url = reverse("interno:solicitud_dai", args=[edoc.pk])
    for role in kind.approvers:
        for officer in officers_for(edoc.distrito, role):
            if officer.pk in seen:
                continue
            seen.add(officer.pk)
            notify(
                user=officer.user,
                sender=SENDER,
                category=CATEGORY,
                subject=gettext_lazy("SOLICITUD POR DECIDIR - %(numero)s"),
                body=gettext_lazy(
                    "%(tipo)s %(numero)s sobre la declaración %(dai)s, presentada por el código "
                    "de OCE %(oce)s: %(motivo)s Decídala en el portal interno: %(url)s"
                ),
                kind="correcciones.por_decidir",
                params={  # rendered in the reader's language when read
                    "tipo": kind.name,
                    "numero": edoc.document_number,
                    "dai": solicitud.dai.document_number if solicitud.dai else "",
                    "oce": edoc.filer_oce.code,
                    "motivo": solicitud.motivo[:500],
                    "url": url,
                },
            )


def notice_context(edoc: EDocument) -> dict:
    solicitud = edoc.content
    dai = solicitud.dai if solicitud is not None else None
    version = (
        DaiVersion.objects.filter(solicitud=solicitud).values_list("numero", flat=True).first()
        if solicitud is not None
        else None
    )
    return {
        "dai": (dai.document_number or dai.numero_entrega) if dai else "",
        "version": version or "",
    }


# --- the portal's filing ----------------------------------------------------------------------------
def file(code: str, payload: dict, uploads=(), *, user, oce):
    """File a request from the portal: the API's payload (uploads added in base64), one submission.

    The engine's rules run again when the worker processes it; here they answer at once, on the
    form's fields, so nothing is sent that would be rejected. Raises ``SolicitudError``.
    """
    from ecuapass.edocs.states import Channel

    payload = dict(payload)
    adjuntos = []
    for uploaded in uploads:
        uploaded.seek(0)
        adjuntos.append(
            {"nombre": uploaded.name, "contenido": base64.b64encode(uploaded.read()).decode()}
        )
    if adjuntos:
        payload["adjuntos"] = adjuntos
    doc_type = registry.get(code)
    if not doc_type.may_file(oce.registration.oce_type):
        raise SolicitudError(
            _("El tipo de OCE %(t)s no puede presentar %(d)s.")
            % {"t": oce.registration.oce_type.name, "d": doc_type.title}
        )
    serializer = doc_type.serializer_class()(data=payload)
    if not serializer.is_valid():
        raise SolicitudError(list(flatten_errors(serializer.errors)))
    precheck(code, serializer.validated_data, oce=oce)
    outcome = edocs.submit_payload(
        doc_type, serializer.validated_data, raw=payload, user=user, oce=oce, channel=Channel.PORTAL
    )
    return outcome.envio.document


def precheck(code: str, data: dict, *, oce) -> None:
    """The business rules of a request before it is sent (the same checks as the engine's)."""
    ref = data["declaracion"]
    dai = checks.resolve_dai(
        oce,
        numero_documento=ref.get("numero_documento", ""),
        numero_entrega=ref.get("numero_entrega", ""),
        doc_type=kinds.kind_of(code).target,
    )
    field = "declaracion.numero_documento"
    if dai is None:
        raise SolicitudError(
            [(field, _("La declaración no existe o no es visible para su código de OCE."))]
        )
    reason = checks.why_not(code, oce, dai)
    if reason:
        raise SolicitudError([(field, reason)])
    if kinds.kind_of(code).with_changes:
        check_changes(dai.content, data.get("cabecera"), data.get("items"))


def check_changes(dai, cabecera, items) -> changes.Corrected:
    """The corrected declaration, or ``SolicitudError`` naming what is wrong or unchanged."""
    try:
        return changes.validate(dai, cabecera, items)
    except changes.ChangeError as exc:
        raise SolicitudError(exc.errors) from None


# --- the officer's decision ---------------------------------------------------------------------
def decide(edoc: EDocument, *, approve: bool, officer, note: str = "", ip=None) -> EDocument:
    """Approve or deny a request (``lifecycle.fire``: role, distrito, history, notices)."""
    note = (note or "").strip()[:2000]
    if not approve and not note:
        raise SolicitudError([("nota", _("Indique el motivo de la denegación."))])
    user = officer.user
    kind = kinds.kind_of(edoc.doc_type)

    def record(locked):
        solicitud = Solicitud.objects.select_for_update(of=("self",)).get(edoc=locked)
        if approve:
            _approve(locked, solicitud, kind, user=user, note=note, ip=ip)
        solicitud.decidida_por = user
        solicitud.decidida_el = timezone.now()
        solicitud.nota_decision = note
        solicitud.save(update_fields=["decidida_por", "decidida_el", "nota_decision"])

    try:
        with transaction.atomic():
            return lifecycle.fire(
                edoc,
                "aprobar" if approve else "denegar",
                user=user,
                ip=ip,
                note=note,
                before=record,
            )
    except changes.ChangeError as exc:
        raise SolicitudError(exc.errors) from None
    except TransitionNotAllowed as exc:
        raise SolicitudError(str(exc)) from None


def _write_version(edoc, declaration, applied, **fields) -> DaiVersion:
    """The applied change as the declaration's next version; its reference follows the content."""
    reference = edoc.type.reference_of(declaration)[:100]
    if reference != edoc.reference:
        EDocument.objects.filter(pk=edoc.pk).update(reference=reference)
        # Behind save(): 1.3's kept pages of both scopes must start afresh (edocs.models).
        documents_changed((edoc.filer_oce_id,), (edoc.party_operator_id,))
    return DaiVersion.objects.create(
        dai=edoc,
        antes=applied.antes,
        despues=applied.despues,
        cambios=applied.cambios,
        liquidacion_antes=applied.liquidacion_antes,
        liquidacion_despues=applied.liquidacion_despues,
        diferencia_tributos=applied.diferencia,
        **fields,
    )


def _approve(edoc, solicitud: Solicitud, kind, *, user, note: str, ip) -> None:
    dai_edoc = EDocument.objects.select_for_update(of=("self",)).get(pk=solicitud.dai_id)
    if kind.code == kinds.ANULACION:
        lifecycle.fire(
            dai_edoc,
            "anular",
            user=user,
            ip=ip,
            note=_("Solicitud de anulación %(n)s aprobada. %(nota)s")
            % {"n": edoc.document_number, "nota": note},
        )
        return
    refused = checks.refusal(kind.code, dai_edoc)
    if refused:
        raise SolicitudError(refused)
    current = checks.current_version(dai_edoc)
    if current != solicitud.version_base:
        raise SolicitudError(
            _(
                "La declaración cambió desde que se presentó la solicitud (versión %(b)s, ahora "
                "%(c)s): deniéguela y pida una nueva sobre la versión vigente."
            )
            % {"b": solicitud.version_base, "c": current}
        )
    dai = dai_edoc.content
    result = check_changes(dai, solicitud.cabecera, solicitud.items)
    applied = changes.apply(dai, result)
    version = _write_version(
        dai_edoc,
        dai,
        applied,
        numero=current + 1,
        solicitud=solicitud,
        motivo=solicitud.motivo,
        nota=note,
        por=user,
        por_rol=_approver_role(kind, user, dai_edoc),
    )
    _notify_dai_parties(dai_edoc, edoc, version)


def _approver_role(kind, user, edoc) -> str:
    from ecuapass.officers.services import officer_of

    officer = officer_of(user)
    for role in kind.approvers:
        if officer is not None and officer.may_act_as(role, edoc.distrito):
            return role
    return ""


def _notify_dai_parties(dai_edoc, solicitud_edoc, version: DaiVersion) -> None:
    """The DAI's filer and party learn of the new version (unless the request's notice tells them)."""
    from ecuapass.notifications.services import notify

    told = {c.pk for c in recipients(solicitud_edoc)} if solicitud_edoc is not None else set()
    subject = gettext_lazy("NUEVA VERSIÓN DE LA DECLARACIÓN - %(numero)s")
    if solicitud_edoc is not None:
        body = gettext_lazy(
            "La declaración %(numero)s pasó a la versión %(v)s por la solicitud %(s)s aprobada. "
            "Diferencia de tributos: USD %(d)s."
        )
    else:
        body = gettext_lazy(
            "El técnico aforador corrigió la declaración %(numero)s durante el aforo: pasó a la "
            "versión %(v)s. Motivo: %(m)s"
        )
    params = {  # rendered in the reader's language when read (the amount as 1.234,56)
        "numero": dai_edoc.document_number,
        "v": version.numero,
        "s": solicitud_edoc.document_number if solicitud_edoc is not None else "",
        "d": cents(version.diferencia_tributos),
        "m": version.motivo[:500],
    }
    for code in recipients(dai_edoc):
        if code.pk not in told:
            notify(
                oce_code=code,
                sender=SENDER,
                category=CATEGORY,
                subject=subject,
                body=body,
                params=params,
                kind="correcciones.nueva_version",
                related=dai_edoc,
            )


# --- the técnico aforador's own correction during the aforo ----------------------------------------
def correct_in_aforo(
    edoc: EDocument, *, officer, cabecera=None, items=None, motivo: str = "", ip=None
) -> DaiVersion:
    """The técnico assigned to the declaration's open aforo corrects it (a target that allows it:
    the DAE in aforo): the changes validated as a request's (fields a request may not change, the
    declaration's shapes and rules), written as the next version, notices to filer and party."""
    from ecuapass.despacho.models import AforoCase
    from ecuapass.officers.roles import Role

    from .serializers import CabeceraField, ItemsField

    motivo = (motivo or "").strip()[:4000]
    target = targets.of(edoc.doc_type) if edoc.doc_type in targets.doc_types() else None
    if target is None or not target.aforo_states:
        raise SolicitudError(_("Esta declaración no se corrige en el aforo."))
    errors = []
    if not motivo:
        errors.append(("motivo", _("Indique el motivo de la corrección.")))
    if not cabecera and not items:
        errors.append(
            ("cabecera", _("Indique los cambios propuestos: campos de la cabecera y/o ítems."))
        )
    for name, field, value in (
        ("cabecera", CabeceraField(doc_type=edoc.doc_type), cabecera),
        ("items", ItemsField(doc_type=edoc.doc_type), items),
    ):
        if value:
            try:
                field.to_internal_value(value)
            except drf.ValidationError as exc:
                errors.extend(flatten_errors(exc.detail, name))
    if errors:
        raise SolicitudError(errors)
    with transaction.atomic():
        locked = EDocument.objects.select_for_update(of=("self",)).get(pk=edoc.pk)
        if locked.estado_documento not in target.aforo_states:
            raise SolicitudError(
                _(
                    "La declaración %(n)s está en estado «%(s)s»: el técnico aforador la corrige "
                    "durante el aforo."
                )
                % {
                    "n": locked.document_number,
                    "s": lifecycle.state_label(locked.estado_documento),
                }
            )
        case = AforoCase.objects.filter(edoc=locked).first()
        if case is None or case.tecnico_id != officer.pk:
            raise SolicitudError(
                _("Solo el técnico aforador asignado al aforo de la declaración la corrige.")
            )
        dai = locked.content
        result = check_changes(dai, cabecera or None, items or None)
        current = checks.current_version(locked)
        try:
            applied = changes.apply(dai, result)
        except changes.ChangeError as exc:
            raise SolicitudError(exc.errors) from None
        version = _write_version(
            locked,
            dai,
            applied,
            numero=current + 1,
            solicitud=None,
            motivo=motivo,
            por=officer.user,
            por_rol=Role.TECNICO.value,
        )
        _notify_dai_parties(locked, None, version)
    logger.info("aforo correction of %s → v%s by %s", locked.pk, version.numero, officer.pk)
    return version


# --- reading ------------------------------------------------------------------------------------
def versions_of(dai_edoc: EDocument):
    return (
        DaiVersion.objects.filter(dai=dai_edoc)
        .select_related("solicitud__edoc", "por")
        .order_by("numero")
    )


def requests_on(dai_edoc: EDocument, oce):
    """The requests on ``dai_edoc`` that ``oce`` sees (its own and those filed for its operator)."""
    return (
        EDocument.objects.visible_to(oce)
        .sent()
        .filter(doc_type__in=kinds.codes(), solicitud_dai__dai=dai_edoc)
        .order_by("-sent_on", "-pk")
    )


def validation_error(exc: SolicitudError) -> drf.ValidationError:
    """A ``SolicitudError`` as the API's 400 body (fields as the payload names them)."""
    body: dict = {}
    for field, message in exc.errors:
        body.setdefault(field or "non_field_errors", []).append(message)
    return drf.ValidationError(body)

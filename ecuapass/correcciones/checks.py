"""The conditions of a request, defined once: the engine's rules, the portal's form, the officer's
approval and the declaration page's buttons all ask these functions. The declaration is any
registered target (``targets``: the DAI, the DAE); ``dai`` names its e-doc.

* ``resolve_dai(oce, …, doc_type=)`` — the declaration referred to, only among the documents the
  filing código de OCE sees (``EDocument.objects.visible_to``); None tells nothing about other
  OCEs' documents.
* ``may_file_for(oce, dai)`` — the declaration's filer or a code of its party (the importer or
  exporter).
* ``refusal(code, dai)`` — why the declaration's state does not admit this kind of request now
  (None: it does), by the target's rules of time: the DAI's corrección before the cierre de aforo,
  sustitutiva after the levante within the legal term, anulación while its "anular" may fire; the
  DAE's corrección before the salida autorizada, sustitutiva once embarcada and within the
  regularización's term (never once Regularizada).
* ``pending(dai)`` — requests on the declaration not decided yet (one at a time).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core import formatting
from ecuapass.customs.edoc import DAI_LIFECYCLE, DaiState
from ecuapass.edocs.lifecycle import state_label
from ecuapass.edocs.models import EDocument, StatusChange

from . import kinds, targets

DAI = "DAI"
# Before the cierre de aforo.
CORRECTABLE = (DaiState.ACEPTADO, DaiState.CANAL_ASIGNADO, DaiState.EN_AFORO)
# The levante: declared by the payments issue's lifecycle (not yet); a sustitutiva waits for it.
SALIDA_AUTORIZADA = "salida_autorizada"
DEFAULT_SUSTITUTIVA_DAYS = 365


def anulable_states() -> tuple[str, ...]:
    """Where the DAI's own "anular" transition starts (customs.edoc.DAI_LIFECYCLE)."""
    return DAI_LIFECYCLE.get("anular").source


def sustitutiva_days() -> int:
    return int(getattr(settings, "ECUAPASS_SUSTITUTIVA_PLAZO_DIAS", DEFAULT_SUSTITUTIVA_DAYS))


def resolve_dai(
    oce, *, numero_documento: str = "", numero_entrega: str = "", doc_type: str = DAI
) -> EDocument | None:
    """The sent declaration (``doc_type``) with that número de documento and/or de entrega that
    ``oce`` sees."""
    numero_documento = (numero_documento or "").strip()
    numero_entrega = (numero_entrega or "").strip().upper()
    if oce is None or not (numero_documento or numero_entrega):
        return None
    qs = EDocument.objects.visible_to(oce).sent().filter(doc_type=doc_type)
    if numero_entrega:
        qs = qs.filter(numero_entrega=numero_entrega)
    if numero_documento:
        qs = qs.filter(document_number=numero_documento)
    return qs.select_related("filer_oce__registration").first()


def may_file_for(oce, dai: EDocument) -> bool:
    """The DAI's filer, or a code of the operator it was filed for (its party)."""
    if oce is None or dai is None:
        return False
    if dai.filer_oce_id == oce.pk:
        return True
    return bool(dai.party_operator_id) and oce.registration.operator_id == dai.party_operator_id


def levante_on(dai: EDocument):
    """When the DAI reached the salida autorizada (the last time), or None."""
    row = (
        StatusChange.objects.filter(
            document=dai, field=StatusChange.Field.DOCUMENTO, to_state=SALIDA_AUTORIZADA
        )
        .order_by("-at")
        .first()
    )
    return row.at if row else None


def dai_sustitutiva_refusal(dai: EDocument, now) -> str | None:
    """The DAI's sustitutiva: within ``ECUAPASS_SUSTITUTIVA_PLAZO_DIAS`` of the levante."""
    levante = levante_on(dai)
    days = sustitutiva_days()
    if levante is not None and now > levante + timedelta(days=days):
        return _(
            "Venció el plazo de %(d)s días desde el levante de la declaración %(n)s "
            "(%(f)s) para presentar una declaración sustitutiva."
        ) % {
            "d": days,
            "n": dai.document_number or dai.numero_entrega,
            "f": formatting.fecha(levante),
        }
    return None


def refusal(code: str, dai: EDocument, *, now=None) -> str | None:
    """Why ``dai`` does not admit a request of type ``code`` now (None when it does)."""
    kind = kinds.kind_of(code)
    target = targets.of(kind.target)
    state = dai.estado_documento
    numero = dai.document_number or dai.numero_entrega
    current = {"n": numero, "s": state_label(state)}
    if kind.slug == kinds.SLUG_CORRECCION:
        if state not in target.correctable:
            if kind.target == DAI:
                return (
                    _(
                        "La declaración %(n)s está en estado «%(s)s»: la solicitud de corrección se "
                        "presenta antes del cierre del aforo (después del levante corresponde una "
                        "declaración sustitutiva)."
                    )
                    % current
                )
            return (
                _(
                    "La declaración %(n)s está en estado «%(s)s»: la solicitud de corrección se "
                    "presenta antes de la salida autorizada (después del embarque corresponde una "
                    "DAE sustitutiva, hasta la regularización)."
                )
                % current
            )
        return None
    if kind.slug == kinds.SLUG_SUSTITUTIVA:
        if state not in target.sustitutiva_states:
            if kind.target == DAI:
                return (
                    _(
                        "La declaración %(n)s está en estado «%(s)s»: la declaración sustitutiva se "
                        "presenta después del levante (salida autorizada); antes, solicite una "
                        "corrección."
                    )
                    % current
                )
            return (
                _(
                    "La declaración %(n)s está en estado «%(s)s»: la DAE sustitutiva se presenta "
                    "después del embarque y antes de la regularización; antes de la salida "
                    "autorizada, solicite una corrección."
                )
                % current
            )
        if target.sustitutiva_refusal is not None:
            return target.sustitutiva_refusal(dai, now or timezone.now())
        return None
    if kind.slug == kinds.SLUG_ANULACION:
        if target.anulable is None or state not in target.anulable():
            return (
                _(
                    "La declaración %(n)s está en estado «%(s)s»: ya no se puede solicitar su "
                    "anulación."
                )
                % current
            )
        return None
    raise LookupError(code)


def pending(dai: EDocument, *, exclude=None):
    """Requests on ``dai`` sent and not decided yet (received or accepted)."""
    qs = EDocument.objects.filter(
        doc_type__in=kinds.codes(),
        solicitud_dai__dai=dai,
        estado_documento__in=kinds.PENDING_STATES,
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def current_version(dai: EDocument) -> int:
    """The DAI's version number: 1 as accepted, one more per approved change."""
    from .models import DaiVersion

    last = DaiVersion.objects.filter(dai=dai).order_by("-numero").values_list("numero", flat=True)
    return last.first() or 1


def states_for(code: str) -> tuple[str, ...]:
    """The declaration's states in which a request of type ``code`` may be filed (lists, buttons)."""
    kind = kinds.kind_of(code)
    target = targets.of(kind.target)
    if kind.slug == kinds.SLUG_CORRECCION:
        return target.correctable
    if kind.slug == kinds.SLUG_SUSTITUTIVA:
        return target.sustitutiva_states
    return target.anulable() if target.anulable is not None else ()


def why_not(code: str, oce, dai: EDocument) -> str | None:
    """Why ``oce`` may not file a request of type ``code`` on ``dai`` now (None: it may)."""
    if not may_file_for(oce, dai):
        return _(
            "Solo el declarante de la declaración o su titular presentan solicitudes sobre ella."
        )
    refused = refusal(code, dai)
    if refused:
        return refused
    other = pending(dai).first()
    if other is not None:
        return _("La declaración ya tiene una solicitud pendiente de decisión (entrega %(n)s).") % {
            "n": other.numero_entrega
        }
    return None

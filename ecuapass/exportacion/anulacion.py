"""DAE-ANU: solicitud de anulación (rechazo) de una DAE whose goods have not left.

Filed like any e-doc (``POST /api/v1/edocs/`` or the 1.1 form), by the DAE's filer or its
exporter; accepted formally by the engine; decided by a supervisor of the DAE's distrito
(``decide``): approval annuls the DAE (its ``anular`` transition, the open aforo closed) in the
same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ecuapass.core.models import Capability
from ecuapass.core.numbering import next_value
from ecuapass.edocs import lifecycle, registry
from ecuapass.edocs.lifecycle import Lifecycle, Notice, Transition, TransitionNotAllowed
from ecuapass.edocs.models import EDocument, is_party_oce
from ecuapass.edocs.rules import Rule
from ecuapass.edocs.states import DocumentState
from ecuapass.edocs.xml import XmlMapping

from . import states as S

APROBADA = "aprobada"
DENEGADA = "denegada"
ANULABLES = (S.ACEPTADO, S.CANAL_ASIGNADO, S.EN_AFORO)


class DeclaracionSerializer(serializers.Serializer):
    numero_documento = serializers.CharField(max_length=30)


class AnulacionSerializer(serializers.Serializer):
    tipo_documento = serializers.ChoiceField(choices=["DAE-ANU"], required=False, default="DAE-ANU")
    declaracion = DeclaracionSerializer()
    motivo = serializers.CharField(max_length=4000)


@extend_schema_serializer(component_name="DaeAnulacionOutput")
class AnulacionOutputSerializer(serializers.Serializer):
    dae = serializers.CharField(source="dae_referencia")
    motivo = serializers.CharField()


def _resolve(filer_oce, numero: str):
    from .models import Dae

    visible = EDocument.objects.visible_to(filer_oce).filter(doc_type="DAE")
    return (
        Dae.objects.filter(edoc__in=visible, edoc__document_number=numero.strip().upper())
        .select_related("edoc")
        .first()
    )


class DaeDelSolicitante(Rule):
    code = "ANU-201"
    field = "declaracion.numero_documento"
    message = _("La DAE {numero} no existe o no es de su código de OCE ni de su exportador.")

    def check(self, ctx):
        if ctx.content.dae_id is None:
            yield self.error(numero=ctx.content.dae_referencia)


class DaeAnulable(Rule):
    code = "ANU-202"
    field = "declaracion.numero_documento"
    message = _(
        "La DAE {numero} está en estado «{estado}»: solo se anula antes de la salida autorizada."
    )

    def check(self, ctx):
        dae = ctx.content.dae
        if dae is not None and dae.edoc.estado_documento not in ANULABLES:
            yield self.error(
                numero=dae.edoc.document_number,
                estado=lifecycle.state_label(dae.edoc.estado_documento),
            )


def _dae_anulable(edoc) -> bool:
    dae = edoc.solicitud_dae.dae
    return dae is not None and dae.edoc.estado_documento in (*ANULABLES, S.ANULADO)


LIFECYCLE = Lifecycle(
    states=((APROBADA, _("Aprobada")), (DENEGADA, _("Denegada"))),
    transitions=(
        Transition(
            "aprobar",
            _("Aprobar"),
            source=(DocumentState.ACEPTADO,),
            target=APROBADA,
            actors=(S.SUPERVISOR, S.ADMINISTRADOR),
            conditions=(_dae_anulable,),
            notice=Notice(
                subject=_("SOLICITUD APROBADA - %(numero)s"),
                body=_(
                    "La solicitud de anulación %(numero)s fue APROBADA: la DAE %(dae)s quedó "
                    "anulada. %(nota)s"
                ),
            ),
        ),
        Transition(
            "denegar",
            _("Denegar"),
            source=(DocumentState.ACEPTADO,),
            target=DENEGADA,
            actors=(S.SUPERVISOR, S.ADMINISTRADOR),
            notice=Notice(
                subject=_("SOLICITUD DENEGADA - %(numero)s"),
                body=_(
                    "La solicitud de anulación %(numero)s de la DAE %(dae)s fue DENEGADA. "
                    "Motivo: %(nota)s"
                ),
            ),
        ),
    ),
)


@dataclass
class AnulacionType(registry.DocumentType):
    def serializer_class(self):
        return AnulacionSerializer

    def output_serializer_class(self):
        return AnulacionOutputSerializer

    def build_from_payload(self, edoc, data):
        from .models import SolicitudAnulacionDae

        numero = data["declaracion"]["numero_documento"]
        return SolicitudAnulacionDae.objects.create(
            edoc=edoc,
            dae_referencia=numero.strip().upper()[:30],
            dae=_resolve(edoc.filer_oce, numero),
            motivo=data["motivo"],
        )

    def payload_of(self, content):
        return {
            "tipo_documento": "DAE-ANU",
            "declaracion": {"numero_documento": content.dae_referencia},
            "motivo": content.motivo,
        }

    def party_of(self, content):
        if content is None:
            return None
        filer = content.edoc.filer_oce
        if is_party_oce(filer):
            return filer.registration.operator
        return content.dae.edoc.party_operator if content.dae_id else None

    def reference_of(self, content):
        return content.dae_referencia if content else ""

    def on_accepted(self, edoc, content):
        on = timezone.localdate(edoc.sent_on)
        seq = next_value(f"exportacion.anulacion:{content.dae.distrito}:{on.year}")
        return f"{content.dae.distrito}-{on.year:04d}-ANU-{seq:08d}"

    def context(self, content):
        return {"solicitud": content}

    def distrito_of(self, content):
        return content.dae.distrito if content is not None and content.dae_id else ""

    def notice_context(self, edoc):
        content = getattr(edoc, "solicitud_dae", None)
        return {"dae": content.dae_referencia if content else ""}


ANULACION = registry.register(
    AnulacionType(
        code="DAE-ANU",
        name=_("Solicitud de anulación de DAE"),
        operation=registry.Operation.EXPORTACION,
        filers=(Capability.TITULAR, Capability.AGENTE_ADUANA),
        content_model="exportacion.SolicitudAnulacionDae",
        editor_url="exportacion:editar_anulacion",
        create_url="exportacion:nueva_anulacion",
        detail_template="exportacion/anulacion_detail.html",
        rules=[DaeDelSolicitante, DaeAnulable],
        lifecycle=LIFECYCLE,
        xml_mapping=XmlMapping(
            header=(
                ("TypeCode", "tipo_documento"),
                ("PreviousDocument/ID", "declaracion.numero_documento"),
                ("AmendmentReason", "motivo"),
            )
        ),
    )
)


class DecisionError(Exception):
    pass


def decide(edoc, *, approve: bool, officer, note: str = "", ip=None):
    """A supervisor of the DAE's distrito approves (the DAE is annulled) or denies."""
    note = (note or "").strip()[:2000]
    if not approve and not note:
        raise DecisionError(str(_("Indique el motivo de la denegación.")))
    with transaction.atomic():
        solicitud = edoc.solicitud_dae

        def annul(_locked):
            lifecycle.fire(
                solicitud.dae.edoc,
                "anular",
                user=officer.user,
                ip=ip,
                note=str(
                    _("Solicitud %(n)s. %(m)s") % {"n": edoc.document_number, "m": solicitud.motivo}
                ),
            )

        try:
            return lifecycle.fire(
                edoc,
                "aprobar" if approve else "denegar",
                user=officer.user,
                ip=ip,
                note=note,
                before=annul if approve else None,
            )
        except TransitionNotAllowed as exc:
            raise DecisionError(str(exc)) from None


def for_officer(officer):
    """The requests of the officer's distritos, once formally accepted."""
    qs = EDocument.objects.filter(
        doc_type="DAE-ANU", estado_documento__in=(DocumentState.ACEPTADO, APROBADA, DENEGADA)
    )
    if not officer.acts_everywhere:
        qs = qs.filter(distrito__in=sorted(officer.distrito_codes))
    return qs

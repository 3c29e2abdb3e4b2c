"""The request types in the engine's registry, with their lifecycle and XML mapping: one per kind
of each registered target (the DAI's three here; the DAE's corrección and sustitutiva when
``exportacion`` registers its target)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ecuapass.edocs import registry
from ecuapass.edocs.lifecycle import Lifecycle, Notice, Transition
from ecuapass.edocs.models import is_party_oce
from ecuapass.edocs.states import DocumentState
from ecuapass.edocs.xml import XmlMapping

from . import kinds, targets
from .rules import RULES

# --- XML (docs/edocs-xml.md): the DAI referred to, the reasons, the changes in the DAI's own
# element names under <Amendment>, the new items as the DAI's goods items. Attachments: JSON only.
BASE_XML = (
    ("TypeCode", "tipo_documento"),
    ("PreviousDocument/ID", "declaracion.numero_documento"),
    ("PreviousDocument/DeliveryID", "declaracion.numero_entrega"),
    ("AmendmentReason", "motivo"),
)


def changes_xml(declaration_xml: XmlMapping, cabecera_serializer) -> XmlMapping:
    """The changes of a corrección or sustitutiva: the header fields a request may change in the
    declaration's own element names under <Amendment>, and the declaration's goods items."""
    names = set(cabecera_serializer().fields)
    amendment = tuple(
        (f"Amendment/{path}", f"cabecera.{key}")
        for path, key in declaration_xml.header
        if key.split(".")[0] in names
    )
    return XmlMapping(
        header=BASE_XML + amendment,
        item_element=declaration_xml.item_element,
        item=declaration_xml.item,
    )


ANULACION_XML = XmlMapping(header=(*BASE_XML, ("AmendmentReasonCode", "causal")))


# --- lifecycle: after the engine's formal acceptance, an officer of the DAI's distrito decides -----
def _dai_admits(edoc) -> bool:
    from .checks import refusal

    solicitud = edoc.content
    return (
        solicitud is not None
        and solicitud.dai is not None
        and not refusal(edoc.doc_type, solicitud.dai)
    )


def _dai_anulable(edoc) -> bool:
    """The DAI may still be annulled (or was just annulled by this approval, in its transaction)."""
    from .checks import anulable_states

    solicitud = edoc.content
    return (
        solicitud is not None
        and solicitud.dai is not None
        and solicitud.dai.estado_documento in (*anulable_states(), DocumentState.ANULADO)
    )


DENEGAR_NOTICE = Notice(
    subject=_("SOLICITUD DENEGADA - %(numero)s"),
    body=_(
        "%(titulo)s %(numero)s (entrega %(entrega)s) sobre la declaración %(dai)s fue DENEGADA. "
        "Motivo: %(nota)s"
    ),
)


def _lifecycle(kind: kinds.Kind) -> Lifecycle:
    if kind.with_changes:
        approved = _(
            "%(titulo)s %(numero)s (entrega %(entrega)s) fue APROBADA: la declaración %(dai)s "
            "pasó a su versión %(version)s, con el mismo número. %(nota)s"
        )
        condition = _dai_admits
    else:
        approved = _(
            "%(titulo)s %(numero)s (entrega %(entrega)s) fue APROBADA: la declaración %(dai)s "
            "quedó anulada. %(nota)s"
        )
        condition = _dai_anulable
    return Lifecycle(
        states=((kinds.APROBADA, _("Aprobada")), (kinds.DENEGADA, _("Denegada"))),
        transitions=(
            Transition(
                "aprobar",
                _("Aprobar"),
                source=(DocumentState.ACEPTADO,),
                target=kinds.APROBADA,
                actors=kind.approvers,
                conditions=(condition,),
                notice=Notice(subject=_("SOLICITUD APROBADA - %(numero)s"), body=approved),
            ),
            Transition(
                "denegar",
                _("Denegar"),
                source=(DocumentState.ACEPTADO,),
                target=kinds.DENEGADA,
                actors=kind.approvers,
                notice=DENEGAR_NOTICE,
            ),
        ),
    )


@dataclass
class SolicitudType(registry.DocumentType):
    def serializer_class(self):
        from .serializers import input_for

        return input_for(self.code)

    def output_serializer_class(self):
        from .serializers import output_for

        return output_for(self.code)

    def build_from_payload(self, edoc, data):
        from .services import build

        return build(edoc, data)

    def payload_of(self, content):
        from .services import payload_of

        return payload_of(content)

    def party_of(self, content):
        """A party code owns what it files; a broker's request belongs to the DAI's party."""
        if content is None:
            return None
        filer = content.edoc.filer_oce
        if is_party_oce(filer):
            return filer.registration.operator
        return content.dai.party_operator if content.dai_id else None

    def reference_of(self, content):
        return content.dai_referencia if content else ""

    def on_accepted(self, edoc, content):
        from .services import number

        return number(edoc, content)

    def context(self, content):
        return {"solicitud": content}

    def distrito_of(self, content):
        return content.dai.distrito if content is not None and content.dai_id else ""

    def after_acceptance(self, edoc):
        from .services import notify_officers

        notify_officers(edoc)

    def notice_context(self, edoc):
        from .services import notice_context

        return notice_context(edoc)


def register_kind(kind: kinds.Kind) -> SolicitudType:
    """The e-doc type of ``kind`` (its target gives filers, operation and XML)."""
    target = targets.of(kind.target)
    prefix = "" if kind.target == "DAI" else f"{kind.target.lower()}_"
    return registry.register(
        SolicitudType(
            code=kind.code,
            name=kind.name,
            operation=target.operation,
            filers=target.filers,
            content_model="correcciones.Solicitud",
            editor_url="correcciones:borrador",
            create_url=f"correcciones:nueva_{prefix}{kind.slug}",
            detail_template="correcciones/solicitud_detail.html",
            rules=RULES,
            lifecycle=_lifecycle(kind),
            xml_mapping=target.xml() if kind.with_changes else ANULACION_XML,
        )
    )


def _register_dai() -> None:
    from .declaraciones import DAI_TARGET

    targets.register(DAI_TARGET, {code: k for code, k in kinds.KINDS.items() if k.target == "DAI"})


_register_dai()

"""The DAI as a target of corrections (``targets.Target``): its shapes from ``ecuapass.customs``,
its rules of time (corrección before the cierre de aforo, sustitutiva after the levante within
the legal term, anulación where its own "anular" starts) and its liquidación recomputed on
approval. The DAE registers its own target from ``ecuapass.exportacion``."""

from __future__ import annotations

from ecuapass.customs.edoc import DAI
from ecuapass.edocs import registry

from . import checks
from .targets import Target, lazy, lazy_call


def _xml():
    from ecuapass.customs.xml_mapping import DAI_XML

    from .changes import CabeceraSerializer
    from .edoc import changes_xml

    return changes_xml(DAI_XML, CabeceraSerializer)


def _dai_target() -> Target:
    from .changes import IMMUTABLE_FIELDS, IMMUTABLE_PAYLOAD, NESTED_FIELDS

    return Target(
        doc_type="DAI",
        label="DAI",
        serializer=lazy("ecuapass.customs.serializers:DaiSerializer"),
        cabecera_serializer=lazy("ecuapass.correcciones.changes:CabeceraSerializer"),
        item_serializer=lazy("ecuapass.customs.serializers:ItemSerializer"),
        model=lazy("ecuapass.customs.models:Dai"),
        item_model=lazy("ecuapass.customs.models:DaiItem"),
        header_values=lazy_call("ecuapass.customs.services:header_values"),
        item_rows=lazy_call("ecuapass.customs.services:item_rows"),
        payload_of=lazy_call("ecuapass.customs.services:payload_of"),
        immutable_payload=IMMUTABLE_PAYLOAD,
        immutable_fields=IMMUTABLE_FIELDS,
        skip_fields=("importador_id",),
        item_fk="dai",
        nested_fields=NESTED_FIELDS,
        liquidates=True,
        # The permits its items drew on are given back and drawn on again (vue.dai).
        after_apply=lazy_call("ecuapass.vue.dai:redescargar_dai"),
        correctable=checks.CORRECTABLE,
        sustitutiva_states=(checks.SALIDA_AUTORIZADA,),
        sustitutiva_refusal=checks.dai_sustitutiva_refusal,
        anulable=checks.anulable_states,
        filers=DAI.filers,
        operation=registry.Operation.IMPORTACION,
        xml=_xml,
        header_form=lazy("ecuapass.correcciones.forms:CabeceraForm"),
        item_formset=lazy("ecuapass.customs.forms:ItemFormSet"),
        item_initial=lazy_call("ecuapass.customs.forms:item_initial"),
    )


DAI_TARGET = _dai_target()

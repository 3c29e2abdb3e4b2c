"""The DAE as a target of the correcciones context (``correcciones.targets``): a **solicitud de
corrección** (DAE-COR) from its acceptance until the salida autorizada (before or after the
ingreso, during the aforo), and a **DAE sustitutiva** (DAE-SUS) once embarcada, within the
regularización's term — never after it is Regularizada. During the aforo the técnico aforador
assigned corrects the DAE himself (``correcciones.services.correct_in_aforo``). Filed by the DAE's filer or its exporter,
decided by a técnico or supervisor of the distrito like the DAI's; the approval writes a new
version of the DAE (same número) and discharges its VUE certificates again (``controles``).

The DAE's shapes are its own (``serializers.DaeSerializer``, ``services.payload_of``…); what a
request may not change: distrito, régimen, declarante, exportador and the depósito named (the
número and the parties stay; the depósito receives the goods).
"""

from __future__ import annotations

import functools

from django.utils.translation import gettext as _

from ecuapass.core.models import Capability
from ecuapass.correcciones import kinds, targets
from ecuapass.edocs import registry

from . import states as S

IMMUTABLE_PAYLOAD = (
    "tipo_documento",
    "distrito",
    "regimen",
    "declarante",
    "exportador",
    "deposito",
    "items",
    "totales",
)
IMMUTABLE_FIELDS = frozenset(
    {
        "distrito",
        "regimen",
        "declarante_ruc",
        "declarante_nombre",
        "exportador_ruc",
        "exportador_nombre",
        "deposito_codigo",
        "totales_declarados",
        # what the trámite wrote after acceptance
        "fecha_embarque",
        "documento_transporte",
        "regularizar_hasta",
        "aviso_plazo_on",
        "aviso_vencido_on",
    }
)
NESTED_FIELDS = {
    "factura.numero": "factura_numero",
    "factura.fecha": "factura_fecha",
    "deposito": "deposito_codigo",
}
FIXED_FORM_FIELDS = ("distrito", "regimen", "exportador_ruc", "deposito_codigo")
CORRECTABLE = (S.ACEPTADO, S.CANAL_ASIGNADO, S.EN_AFORO)
SUSTITUIBLE = (S.EMBARCADA,)


def _cabecera():
    from .serializers import DaeSerializer

    class DaeCabeceraSerializer(DaeSerializer):
        """The header fields of a DAE a request may change, validated as the DAE's (partial)."""

        tipo_documento = None
        distrito = None
        regimen = None
        declarante = None
        exportador = None
        deposito = None
        items = None
        totales = None

        def validate(self, attrs):
            return attrs

    return DaeCabeceraSerializer


@functools.cache
def cabecera_serializer():
    return _cabecera()


def _after_apply(dae) -> None:
    """The DAE's items changed: its certificates are given back and discharged again."""
    from ecuapass.correcciones.changes import ChangeError
    from ecuapass.vue.services import VueError

    from . import controles

    controles.liberar(dae.edoc)
    try:
        controles.descargar(dae.edoc)
    except VueError as exc:
        raise ChangeError([("items", str(exc))]) from None


def _sustitutiva_refusal(edoc, now) -> str | None:
    """Within the regularización's term (``services.within_term``)."""
    from django.utils import timezone

    from .services import within_term

    dae = edoc.dae
    if not within_term(dae, timezone.localdate(now)):
        return _(
            "Venció el plazo de regularización de la DAE %(n)s (%(f)s): ya no se puede presentar "
            "una DAE sustitutiva."
        ) % {
            "n": edoc.document_number,
            "f": dae.regularizar_hasta.strftime("%d/%m/%Y") if dae.regularizar_hasta else "—",
        }
    return None


def _xml():
    from ecuapass.correcciones.edoc import changes_xml

    from .edoc import DAE_XML

    return changes_xml(DAE_XML, cabecera_serializer())


def _header_form():
    from .forms import DaeForm

    class DaeCabeceraForm(DaeForm):
        """The DAE editor's header form, without the fields a request may not change."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in FIXED_FORM_FIELDS:
                del self.fields[name]

    return DaeCabeceraForm


DAE_TARGET = targets.Target(
    doc_type="DAE",
    label="DAE",
    serializer=targets.lazy("ecuapass.exportacion.serializers:DaeSerializer"),
    cabecera_serializer=cabecera_serializer,
    item_serializer=targets.lazy("ecuapass.exportacion.serializers:DaeItemSerializer"),
    model=targets.lazy("ecuapass.exportacion.models:Dae"),
    item_model=targets.lazy("ecuapass.exportacion.models:DaeItem"),
    header_values=targets.lazy_call("ecuapass.exportacion.services:header_values"),
    item_rows=targets.lazy_call("ecuapass.exportacion.services:item_rows"),
    payload_of=targets.lazy_call("ecuapass.exportacion.services:payload_of"),
    immutable_payload=IMMUTABLE_PAYLOAD,
    immutable_fields=IMMUTABLE_FIELDS,
    skip_fields=("exportador_id",),
    item_fk="dae",
    nested_fields=NESTED_FIELDS,
    liquidates=False,
    after_apply=_after_apply,
    correctable=CORRECTABLE,
    sustitutiva_states=SUSTITUIBLE,
    sustitutiva_refusal=_sustitutiva_refusal,
    anulable=None,  # DAE-ANU (``anulacion``)
    aforo_states=(S.EN_AFORO,),
    filers=(Capability.TITULAR, Capability.AGENTE_ADUANA),
    operation=registry.Operation.EXPORTACION,
    xml=_xml,
    header_form=_header_form,
    item_formset=targets.lazy("ecuapass.exportacion.forms:ItemFormSet"),
    item_initial=targets.lazy_call("ecuapass.exportacion.forms:item_initial"),
)


def register() -> None:
    targets.register(DAE_TARGET, kinds.DAE_KINDS)

"""The requests' e-doc schema (``POST /api/v1/edocs/`` with their ``tipo_documento``) and outputs.

The proposed changes are validated with the DAI's own serializers: ``cabecera`` by the DAI's
header fields that a request may change (``changes.CabeceraSerializer``, partial), ``items`` by
the DAI's ``ItemSerializer``. They are kept as sent (the payload's shape); ``changes.corrected``
validates the whole corrected declaration again against the DAI it refers to.

Attachments travel in the JSON as base64 (``adjuntos``: ``nombre``, ``contenido``) and are checked
from their bytes by the despacho's upload rules (PDF/JPEG/PNG, size, no active content).
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecuapass.customs.serializers import ItemSerializer
from ecuapass.despacho import files
from ecuapass.despacho.errors import DespachoError

from . import changes, kinds, targets
from .models import Adjunto, Causal, DaiVersion, Solicitud

MAX_ADJUNTOS = 5


class DeclaracionSerializer(serializers.Serializer):
    numero_documento = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="p. ej. 028-2026-10-00000001"
    )
    numero_entrega = serializers.CharField(max_length=21, required=False, allow_blank=True)

    def validate(self, data):
        if not (data.get("numero_documento") or data.get("numero_entrega")):
            raise serializers.ValidationError(
                {
                    "numero_documento": [
                        _(
                            "Indique el número de documento o el número de entrega de la "
                            "declaración."
                        )
                    ]
                }
            )
        return data


def decode_attachment(nombre: str, contenido: str) -> bytes:
    """The bytes of a base64 attachment, checked like every upload; else ``ValidationError``."""
    try:
        raw = base64.b64decode("".join(str(contenido).split()), validate=True)
    except (binascii.Error, ValueError):
        raise serializers.ValidationError(
            {"contenido": [_("El contenido del archivo no está codificado en base64.")]}
        ) from None
    try:
        files.check(SimpleUploadedFile(nombre, raw))
    except DespachoError as exc:
        raise serializers.ValidationError({"contenido": [exc.message]}) from None
    return raw


class AdjuntoSerializer(serializers.Serializer):
    nombre = serializers.CharField(max_length=200)
    contenido = serializers.CharField(
        trim_whitespace=False, help_text="El archivo (PDF, JPEG o PNG) codificado en base64."
    )

    def validate(self, data):
        data["datos"] = decode_attachment(data["nombre"], data["contenido"])
        return data


def _shape_errors(serializer) -> serializers.ValidationError:
    return serializers.ValidationError(serializer.errors)


@extend_schema_field(changes.CabeceraSerializer)
class CabeceraField(serializers.Field):
    """The header fields that change, in the declaration payload's shape (validated as its)."""

    default_error_messages = {
        "invalid": _("Se esperaba un objeto con los campos de la cabecera que cambian."),
    }

    def __init__(self, *args, doc_type: str = "DAI", **kwargs):
        self.doc_type = doc_type
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("invalid")
        cabecera_serializer = targets.of(self.doc_type).cabecera_serializer()
        allowed = set(cabecera_serializer().fields)
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise serializers.ValidationError(
                {
                    name: [_("Este campo de la declaración no se puede cambiar con una solicitud.")]
                    for name in unknown
                }
            )
        serializer = cabecera_serializer(data=data, partial=True)
        if not serializer.is_valid():
            raise _shape_errors(serializer)
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(ItemSerializer(many=True))
class ItemsField(serializers.Field):
    """The complete new list of items, each in the declaration's item shape (``[]``: unchanged)."""

    default_error_messages = {"invalid": _("Se esperaba una lista de ítems.")}

    def __init__(self, *args, doc_type: str = "DAI", **kwargs):
        self.doc_type = doc_type
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("invalid")
        if len(data) > 999:
            raise serializers.ValidationError(_("Una DAI tiene como máximo 999 ítems."))
        serializer = targets.of(self.doc_type).item_serializer()(data=data, many=True)
        if not serializer.is_valid():
            raise _shape_errors(serializer)
        return data

    def to_representation(self, value):
        return value


class SolicitudSerializer(serializers.Serializer):
    """What every request carries: the DAI, the reasons, the attachments."""

    code = ""
    tipo_documento = serializers.CharField()
    declaracion = DeclaracionSerializer()
    motivo = serializers.CharField(max_length=4000)
    adjuntos = AdjuntoSerializer(many=True, required=False, max_length=MAX_ADJUNTOS)

    def validate_tipo_documento(self, value):
        if value != self.code:
            raise serializers.ValidationError(
                _("Este esquema es el del tipo %(c)s.") % {"c": self.code}
            )
        return value

    def validate_adjuntos(self, value):
        total = sum(len(a["datos"]) for a in value)
        limit = settings.ECUAPASS_SOPORTE_MAX_BYTES
        if total > limit:
            raise serializers.ValidationError(
                _("Los adjuntos suman %(n)s MB: el máximo por solicitud es %(m)s MB.")
                % {"n": round(total / 1048576, 1), "m": limit // 1048576}
            )
        return value


class CambiosSerializer(SolicitudSerializer):
    cabecera = CabeceraField(required=False)
    items = ItemsField(required=False)

    def validate(self, data):
        if not data.get("cabecera") and not data.get("items"):
            raise serializers.ValidationError(
                {
                    "cabecera": [
                        _("Indique los cambios propuestos: campos de la cabecera y/o ítems.")
                    ]
                }
            )
        return data


class CorreccionSerializer(CambiosSerializer):
    code = kinds.CORRECCION


class SustitutivaSerializer(CambiosSerializer):
    code = kinds.SUSTITUTIVA


class AnulacionSerializer(SolicitudSerializer):
    code = kinds.ANULACION
    causal = serializers.ChoiceField(choices=Causal.choices)


INPUT = {
    kinds.CORRECCION: CorreccionSerializer,
    kinds.SUSTITUTIVA: SustitutivaSerializer,
    kinds.ANULACION: AnulacionSerializer,
}


def input_for(code: str):
    """The request type's input serializer (another target's: its own header and item shapes)."""
    if code in INPUT:
        return INPUT[code]
    kind = kinds.kind_of(code)
    target = targets.of(kind.target)
    name = f"{kind.target.title()}{kind.slug.title()}Serializer"
    INPUT[code] = type(
        name,
        (CambiosSerializer,),
        {
            "code": code,
            "cabecera": extend_schema_field(target.cabecera_serializer())(
                type(f"{kind.target.title()}CabeceraField", (CabeceraField,), {})
            )(required=False, doc_type=kind.target),
            "items": ItemsField(required=False, doc_type=kind.target),
            "__module__": __name__,
        },
    )
    return INPUT[code]


# --- output ----------------------------------------------------------------------------------
class AdjuntoOutputSerializer(serializers.ModelSerializer):
    nombre = serializers.CharField(source="original_name")
    tipo = serializers.CharField(source="content_type")
    tamano = serializers.IntegerField(source="size")

    class Meta:
        model = Adjunto
        fields = ("nombre", "tipo", "tamano", "sha256")


class DeclaracionOutputSerializer(serializers.Serializer):
    numero_documento = serializers.CharField()
    numero_entrega = serializers.CharField()


class SolicitudOutputSerializer(serializers.ModelSerializer):
    declaracion = serializers.SerializerMethodField()
    adjuntos = AdjuntoOutputSerializer(many=True, read_only=True)
    version = serializers.SerializerMethodField(
        help_text="La versión de la DAI que creó la aprobación (null si no la hay)."
    )
    decidida_el = serializers.DateTimeField(allow_null=True)
    nota_decision = serializers.CharField()

    class Meta:
        model = Solicitud
        fields = ("declaracion", "motivo", "adjuntos", "version", "decidida_el", "nota_decision")

    @extend_schema_field(DeclaracionOutputSerializer)
    def get_declaracion(self, solicitud) -> dict:
        dai = solicitud.dai
        return {
            "numero_documento": dai.document_number if dai else solicitud.dai_numero_documento,
            "numero_entrega": dai.numero_entrega if dai else solicitud.dai_numero_entrega,
        }

    def get_version(self, solicitud) -> int | None:
        version = DaiVersion.objects.filter(solicitud=solicitud).values_list("numero", flat=True)
        return version.first()


class CorreccionOutputSerializer(SolicitudOutputSerializer):
    cabecera = serializers.JSONField()
    items = serializers.JSONField(allow_null=True)

    class Meta(SolicitudOutputSerializer.Meta):
        fields = (*SolicitudOutputSerializer.Meta.fields, "cabecera", "items", "version_base")


class SustitutivaOutputSerializer(CorreccionOutputSerializer):
    pass


class AnulacionOutputSerializer(SolicitudOutputSerializer):
    class Meta(SolicitudOutputSerializer.Meta):
        fields = (*SolicitudOutputSerializer.Meta.fields, "causal")


OUTPUT = {
    kinds.CORRECCION: CorreccionOutputSerializer,
    kinds.SUSTITUTIVA: SustitutivaOutputSerializer,
    kinds.ANULACION: AnulacionOutputSerializer,
}


def output_for(code: str):
    kind = kinds.kind_of(code)
    if code in OUTPUT:
        return OUTPUT[code]
    return CorreccionOutputSerializer if kind.with_changes else AnulacionOutputSerializer


class CambioSerializer(serializers.Serializer):
    campo = serializers.CharField(help_text="Ruta en el JSON de la DAI (p. ej. items[2].fob)")
    etiqueta = serializers.CharField()
    antes = serializers.CharField(allow_null=True)
    despues = serializers.CharField(allow_null=True)


class DaiVersionSerializer(serializers.ModelSerializer):
    fecha = serializers.DateTimeField(source="el")
    solicitud = serializers.SerializerMethodField()
    tipo_solicitud = serializers.SerializerMethodField()
    rol = serializers.CharField(source="por_rol")
    cambios = serializers.SerializerMethodField()
    diferencia_tributos = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        model = DaiVersion
        fields = (
            "numero",
            "fecha",
            "solicitud",
            "tipo_solicitud",
            "motivo",
            "nota",
            "rol",
            "cambios",
            "liquidacion_antes",
            "liquidacion_despues",
            "diferencia_tributos",
            "antes",
            "despues",
        )

    def get_solicitud(self, version) -> str:
        """The request's número de entrega ("" for the técnico's correction in the aforo)."""
        return version.solicitud.edoc.numero_entrega if version.solicitud_id else ""

    def get_tipo_solicitud(self, version) -> str:
        return version.solicitud.edoc.doc_type if version.solicitud_id else ""

    @extend_schema_field(CambioSerializer(many=True))
    def get_cambios(self, version):
        doc_type = version.dai.doc_type
        return [{**c, "etiqueta": changes.label(c["campo"], doc_type)} for c in version.cambios]

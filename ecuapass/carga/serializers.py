"""The cargo e-docs' JSON schema (``POST /api/v1/edocs/`` with tipo_documento MAN, MAN-H, MAN-COR)
and the shapes of the depósito's events. The portal's forms build the same payloads."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from .models import CorreccionManifiesto, DocumentoTransporte, EventoCarga, Modo, Trayecto

MAN = "MAN"
MAN_H = "MAN-H"
MAN_COR = "MAN-COR"

RUC = serializers.RegexField(
    r"^\d{13}$",
    required=False,
    allow_blank=True,
    error_messages={"invalid": _("El RUC del consignatario tiene 13 dígitos.")},
)


def _decimal(model, name, **kwargs):
    field = model._meta.get_field(name)
    return serializers.DecimalField(
        max_digits=field.max_digits, decimal_places=field.decimal_places, **kwargs
    )


class ContenedorSerializer(serializers.Serializer):
    numero = serializers.RegexField(
        r"^[A-Z]{4}\d{7}$",
        error_messages={"invalid": _("El contenedor tiene 4 letras y 7 dígitos (ISO 6346).")},
    )
    sellos = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, max_length=5
    )


class ConsignatarioSerializer(serializers.Serializer):
    ruc = RUC
    nombre = serializers.CharField(max_length=300)


class DocumentoSerializer(serializers.Serializer):
    """A documento de transporte (master or house): the same shape in MAN and MAN-H."""

    numero = serializers.CharField(max_length=35)
    embarcador = serializers.CharField(max_length=200)
    consignatario = ConsignatarioSerializer()
    deposito = serializers.RegexField(
        r"^\d{8}$",
        error_messages={"invalid": _("El código del depósito temporal tiene 8 dígitos.")},
    )
    bultos = serializers.IntegerField(min_value=1, max_value=10_000_000)
    peso = _decimal(DocumentoTransporte, "peso", min_value=Decimal("0.001"))
    volumen = _decimal(DocumentoTransporte, "volumen", min_value=Decimal("0"), required=False)
    descripcion = serializers.CharField(max_length=500)
    flete = _decimal(DocumentoTransporte, "flete", min_value=Decimal("0"))
    contenedores = ContenedorSerializer(many=True, required=False, default=list, max_length=200)


class MedioSerializer(serializers.Serializer):
    nombre = serializers.CharField(max_length=100)
    identificacion = serializers.CharField(
        max_length=20, help_text="Número IMO del buque o número de vuelo"
    )
    viaje = serializers.CharField(max_length=20, required=False, allow_blank=True)


class TipoSerializer(serializers.Serializer):
    code = ""
    tipo_documento = serializers.CharField()

    def validate_tipo_documento(self, value):
        if value != self.code:
            raise serializers.ValidationError(
                _("Este esquema es el del tipo %(c)s.") % {"c": self.code}
            )
        return value


class ManifiestoSerializer(TipoSerializer):
    code = MAN
    modo = serializers.ChoiceField(choices=Modo.choices)
    trayecto = serializers.ChoiceField(
        choices=Trayecto.choices, required=False, default=Trayecto.LARGO
    )
    transportista_codigo = serializers.RegexField(
        r"^[A-Z0-9]{2,4}$",
        error_messages={
            "invalid": _("El código del transportista tiene de 2 a 4 letras o dígitos (SCAC/IATA).")
        },
    )
    medio_transporte = MedioSerializer()
    distrito = serializers.RegexField(
        r"^\d{3}$", error_messages={"invalid": _("El distrito tiene 3 dígitos.")}
    )
    puerto_embarque = serializers.RegexField(
        r"^[A-Z]{5}$", error_messages={"invalid": _("El puerto es un código UN/LOCODE (5 letras).")}
    )
    puerto_llegada = serializers.RegexField(
        r"^[A-Z]{5}$", error_messages={"invalid": _("El puerto es un código UN/LOCODE (5 letras).")}
    )
    fecha_estimada_llegada = serializers.DateTimeField()
    documentos = DocumentoSerializer(many=True, allow_empty=False, max_length=9999)

    def validate(self, data):
        if data["modo"] == Modo.AEREO and any(d.get("contenedores") for d in data["documentos"]):
            raise serializers.ValidationError(
                {"documentos": [_("Un manifiesto aéreo no declara contenedores.")]}
            )
        return data


class DesconsolidacionSerializer(TipoSerializer):
    code = MAN_H
    mrn = serializers.CharField(max_length=20)
    msn = serializers.RegexField(
        r"^\d{4}$", error_messages={"invalid": _("El MSN tiene 4 dígitos.")}
    )
    documentos = DocumentoSerializer(many=True, allow_empty=False, max_length=9999)


CAMPOS_CORREGIBLES = {
    "consignatario_ruc": RUC,
    "consignatario_nombre": serializers.CharField(max_length=300, required=False),
    "bultos": serializers.IntegerField(min_value=1, max_value=10_000_000, required=False),
    "peso": _decimal(DocumentoTransporte, "peso", min_value=Decimal("0.001"), required=False),
    "flete": _decimal(DocumentoTransporte, "flete", min_value=Decimal("0"), required=False),
    "descripcion": serializers.CharField(max_length=500, required=False),
}


class CambiosSerializer(serializers.Serializer):
    def get_fields(self):
        import copy

        return {name: copy.deepcopy(field) for name, field in CAMPOS_CORREGIBLES.items()}


class CorreccionSerializer(TipoSerializer):
    code = MAN_COR
    mrn = serializers.CharField(max_length=20)
    msn = serializers.RegexField(
        r"^\d{4}$", error_messages={"invalid": _("El MSN tiene 4 dígitos.")}
    )
    hsn = serializers.RegexField(
        r"^\d{4}$",
        required=False,
        default="0000",
        error_messages={"invalid": _("El HSN tiene 4 dígitos.")},
    )
    motivo_codigo = serializers.ChoiceField(choices=CorreccionManifiesto.Motivo.choices)
    motivo = serializers.CharField(max_length=2000)
    cambios = CambiosSerializer()

    def validate_cambios(self, value):
        if not value:
            raise serializers.ValidationError(_("Indique al menos un cambio."))
        return value


INPUT = {
    MAN: ManifiestoSerializer,
    MAN_H: DesconsolidacionSerializer,
    MAN_COR: CorreccionSerializer,
}


# --- output (the API's ``contenido``) ------------------------------------------------------
class DocumentoOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentoTransporte
        fields = (
            "msn",
            "hsn",
            "numero",
            "embarcador",
            "consignatario_ruc",
            "consignatario_nombre",
            "deposito_codigo",
            "bultos",
            "peso",
            "volumen",
            "descripcion",
            "flete",
            "contenedores",
        )


@extend_schema_serializer(component_name="ManifiestoCargaOutput")
class ManifiestoOutputSerializer(serializers.Serializer):
    mrn = serializers.CharField(allow_null=True)
    modo = serializers.CharField()
    trayecto = serializers.CharField()
    distrito = serializers.CharField()
    medio_nombre = serializers.CharField()
    medio_identificacion = serializers.CharField()
    viaje = serializers.CharField()
    fecha_estimada_llegada = serializers.DateTimeField()
    fecha_llegada = serializers.DateTimeField(allow_null=True)
    tardio = serializers.BooleanField()
    motivo_tardio = serializers.CharField()
    documentos = DocumentoOutputSerializer(many=True)


class DesconsolidacionOutputSerializer(serializers.Serializer):
    mrn = serializers.CharField()
    msn = serializers.CharField()
    hijos = DocumentoOutputSerializer(many=True)


@extend_schema_serializer(component_name="ManifiestoCorreccionOutput")
class CorreccionOutputSerializer(serializers.Serializer):
    mrn = serializers.CharField()
    msn = serializers.CharField()
    hsn = serializers.CharField()
    motivo_codigo = serializers.CharField()
    motivo = serializers.CharField()
    cambios = serializers.JSONField()
    anteriores = serializers.JSONField()


OUTPUT = {
    MAN: ManifiestoOutputSerializer,
    MAN_H: DesconsolidacionOutputSerializer,
    MAN_COR: CorreccionOutputSerializer,
}


# --- the depósito's events --------------------------------------------------------------------
class CargaRefSerializer(serializers.Serializer):
    mrn = serializers.CharField(max_length=20)
    msn = serializers.RegexField(
        r"^\d{4}$", error_messages={"invalid": _("El MSN tiene 4 dígitos.")}
    )
    hsn = serializers.RegexField(
        r"^\d{4}$",
        required=False,
        default="0000",
        error_messages={"invalid": _("El HSN tiene 4 dígitos.")},
    )


class IngresoSerializer(CargaRefSerializer):
    bultos = serializers.IntegerField(min_value=0, max_value=10_000_000)
    peso = _decimal(EventoCarga, "peso", min_value=Decimal("0"))
    fecha_hora = serializers.DateTimeField()
    contenedores = ContenedorSerializer(many=True, required=False, default=list, max_length=200)
    observacion = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class NovedadSerializer(CargaRefSerializer):
    novedad = serializers.ChoiceField(choices=EventoCarga.Novedad.choices)
    fase = serializers.ChoiceField(
        choices=[EventoCarga.Fase.ALMACENAMIENTO, EventoCarga.Fase.SALIDA],
        required=False,
        default=EventoCarga.Fase.ALMACENAMIENTO,
    )
    bultos = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, default=0)
    peso = _decimal(EventoCarga, "peso", min_value=Decimal("0"), required=False, default=0)
    fecha_hora = serializers.DateTimeField()
    observacion = serializers.CharField(max_length=2000)


class SalidaSerializer(CargaRefSerializer):
    fecha_hora = serializers.DateTimeField()
    observacion = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EventoOutputSerializer(serializers.ModelSerializer):
    deposito = serializers.CharField(source="deposito.code")
    dai = serializers.SerializerMethodField()

    class Meta:
        model = EventoCarga
        fields = (
            "numero",
            "tipo",
            "fase",
            "novedad",
            "carga",
            "mrn",
            "distrito",
            "deposito",
            "bultos",
            "peso",
            "diferencia_bultos",
            "diferencia_peso",
            "contenedores",
            "observacion",
            "dai",
            "fecha_hora",
            "registrado_el",
        )

    def get_dai(self, evento) -> str:
        return evento.dai.document_number if evento.dai_id else ""

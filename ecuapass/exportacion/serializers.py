"""The JSON shapes of the export trámite: the DAE and the manifest (e-docs of the registry), and
the depósito's informes and the exporter's regularización (the app's own endpoints).

The DAE reuses the DAI's parts: parties, invoice, bounded decimals, the item's shape (the DAI's
item fields without freight and insurance, bounded by the model) and the subpartida rule.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ecuapass.customs.serializers import (
    DeclaranteSerializer,
    FacturaSerializer,
    PartySerializer,
    bounded,
)
from ecuapass.customs.services import clean_subpartida

from .models import Dae, DaeItem, DocumentoEmbarque, IngresoExportacion, ViaTransporte
from .services import DAE_ITEM_FIELDS

POSITIVE = {"min_value": Decimal("0")}


class DaeItemSerializer(serializers.ModelSerializer):
    """The DAI item's shape (model-bounded) plus the documento de control (acompañamiento)."""

    class Meta:
        model = DaeItem
        fields = [*DAE_ITEM_FIELDS, "documento_control_tipo", "documento_control_numero"]
        extra_kwargs = {"pais_origen": {"min_length": 2, "required": False}}

    def validate_subpartida(self, value):
        try:
            return clean_subpartida(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class DaeTotalesSerializer(serializers.Serializer):
    fob = bounded(Dae, "total_fob", required=False, **POSITIVE)
    peso_neto = bounded(Dae, "total_peso_neto", required=False, **POSITIVE)
    peso_bruto = bounded(Dae, "total_peso_bruto", required=False, **POSITIVE)
    numero_items = serializers.IntegerField(required=False, min_value=1)


class DaeSerializer(serializers.Serializer):
    tipo_documento = serializers.ChoiceField(choices=["DAE"], required=False, default="DAE")
    distrito = serializers.RegexField(
        r"^\d{3}$", error_messages={"invalid": _("El distrito tiene 3 dígitos.")}
    )
    regimen = serializers.RegexField(
        r"^\d{2}$", error_messages={"invalid": _("El régimen tiene 2 dígitos.")}
    )
    declarante = DeclaranteSerializer()
    exportador = PartySerializer()
    pais_destino = serializers.CharField(max_length=2, min_length=2)
    puerto_embarque = serializers.CharField(max_length=60)
    via_transporte = serializers.ChoiceField(choices=ViaTransporte.choices)
    deposito = serializers.RegexField(
        r"^\d{8}$",
        error_messages={"invalid": _("El código de OCE del depósito tiene 8 dígitos.")},
    )
    fecha_embarque_estimada = serializers.DateField()
    factura = FacturaSerializer()
    incoterm = serializers.CharField(max_length=3)
    moneda = serializers.CharField(max_length=3, min_length=3)
    tipo_cambio = bounded(
        Dae, "tipo_cambio", required=False, default=Decimal("1"), min_value=Decimal("0.000001")
    )
    bultos = serializers.IntegerField(min_value=1, max_value=9_999_999)
    items = DaeItemSerializer(many=True, allow_empty=False, max_length=999)
    totales = DaeTotalesSerializer(required=False)

    def validate(self, attrs):
        from .services import AmountOverflow, check_amounts

        try:
            check_amounts(attrs)
        except AmountOverflow as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from None
        return attrs


class DaeOutputSerializer(serializers.ModelSerializer):
    """The DAE in the API's detail (``contenido``)."""

    items = serializers.SerializerMethodField()
    ingreso = serializers.SerializerMethodField()
    salida = serializers.SerializerMethodField()
    regularizacion = serializers.SerializerMethodField()

    class Meta:
        model = Dae
        fields = [
            "distrito",
            "regimen",
            "declarante_ruc",
            "declarante_nombre",
            "exportador_ruc",
            "exportador_nombre",
            "pais_destino",
            "puerto_embarque",
            "via_transporte",
            "deposito_codigo",
            "fecha_embarque_estimada",
            "factura_numero",
            "factura_fecha",
            "incoterm",
            "moneda",
            "tipo_cambio",
            "bultos",
            "numero_items",
            "total_fob",
            "total_peso_neto",
            "total_peso_bruto",
            "fecha_embarque",
            "documento_transporte",
            "regularizar_hasta",
            "items",
            "ingreso",
            "salida",
            "regularizacion",
        ]

    def get_items(self, dae) -> list[dict]:
        return [
            {
                **{name: str(getattr(i, name)) for name in DAE_ITEM_FIELDS},
                "documento_control_tipo": i.documento_control_tipo,
                "documento_control_numero": i.documento_control_numero,
            }
            for i in dae.items.all()
        ]

    def get_ingreso(self, dae) -> dict | None:
        ingreso = dae.informe_ingreso
        return InformeOutputSerializer(ingreso).data if ingreso else None

    def get_salida(self, dae) -> dict | None:
        salida = dae.informe_salida
        return InformeOutputSerializer(salida).data if salida else None

    def get_regularizacion(self, dae) -> dict | None:
        reg = dae.regularizada
        if reg is None:
            return None
        return {
            "documento_transporte": reg.documento_transporte,
            "total_fob_final": str(reg.total_fob_final),
            "peso_neto_final": str(reg.peso_neto_final),
            "fecha": reg.on.isoformat(),
        }


# --- the depósito's informes --------------------------------------------------------------
class InformeSerializer(serializers.Serializer):
    bultos = serializers.IntegerField(min_value=0, max_value=9_999_999)
    peso_bruto = bounded(IngresoExportacion, "peso_bruto", **POSITIVE)
    contenedores = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    fecha_hora = serializers.DateTimeField()
    observacion = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class InformeOutputSerializer(serializers.Serializer):
    deposito = serializers.CharField(source="deposito.code")
    bultos = serializers.IntegerField()
    peso_bruto = serializers.DecimalField(max_digits=16, decimal_places=3)
    contenedores = serializers.CharField()
    fecha_hora = serializers.DateTimeField()
    observacion = serializers.CharField()
    novedades = serializers.ListField(child=serializers.CharField(), required=False)


class RegularizacionSerializer(serializers.Serializer):
    documento_transporte = serializers.CharField(max_length=40)
    total_fob_final = bounded(Dae, "total_fob", min_value=Decimal("0.01"))
    peso_neto_final = bounded(Dae, "total_peso_neto", **POSITIVE)
    observacion = serializers.CharField(max_length=4000, required=False, allow_blank=True)


# --- the manifest ---------------------------------------------------------------------------
class DocumentoEmbarqueSerializer(serializers.Serializer):
    tipo = serializers.ChoiceField(choices=DocumentoEmbarque.Tipo.choices)
    documento = serializers.CharField(max_length=40)
    dae = serializers.CharField(max_length=30)
    bultos = serializers.IntegerField(min_value=1, max_value=9_999_999)
    peso_bruto = bounded(DocumentoEmbarque, "peso_bruto", min_value=Decimal("0.001"))


class ManifiestoSerializer(serializers.Serializer):
    tipo_documento = serializers.ChoiceField(choices=["MEX"], required=False, default="MEX")
    distrito = serializers.RegexField(
        r"^\d{3}$", error_messages={"invalid": _("El distrito tiene 3 dígitos.")}
    )
    via_transporte = serializers.ChoiceField(choices=ViaTransporte.choices)
    declarante = DeclaranteSerializer()
    transportista = PartySerializer()
    nave_vuelo = serializers.CharField(max_length=60)
    viaje = serializers.CharField(max_length=20, required=False, allow_blank=True)
    puerto_embarque = serializers.CharField(max_length=60)
    fecha_salida = serializers.DateTimeField()
    items = DocumentoEmbarqueSerializer(many=True, allow_empty=False, max_length=999)


class ManifiestoOutputSerializer(serializers.Serializer):
    distrito = serializers.CharField()
    via_transporte = serializers.CharField()
    transportista_ruc = serializers.CharField()
    transportista_nombre = serializers.CharField()
    nave_vuelo = serializers.CharField()
    viaje = serializers.CharField()
    puerto_embarque = serializers.CharField()
    fecha_salida = serializers.DateTimeField()
    tardio = serializers.BooleanField()
    documentos = serializers.SerializerMethodField()

    def get_documentos(self, manifiesto) -> list[dict]:
        return [
            {
                "tipo": d.tipo,
                "documento": d.documento,
                "dae": d.dae_numero,
                "bultos": d.bultos,
                "peso_bruto": str(d.peso_bruto),
            }
            for d in manifiesto.documentos.all()
        ]

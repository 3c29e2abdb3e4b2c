"""The DAI e-doc schema (JSON; the XML of docs/edocs-xml.md maps onto the same fields)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import FormaPago, TipoDespacho

POSITIVE = {"min_value": Decimal("0")}


class PartySerializer(serializers.Serializer):
    ruc = serializers.RegexField(
        r"^\d{10}(\d{3})?$",
        max_length=13,
        error_messages={"invalid": _("El RUC tiene 13 dígitos (o la cédula 10).")},
    )
    nombre = serializers.CharField(max_length=300)


class DeclaranteSerializer(PartySerializer):
    codigo_oce = serializers.RegexField(r"^\d{8}$", required=False, allow_blank=True)


class TransporteSerializer(serializers.Serializer):
    mrn = serializers.CharField(max_length=30, required=False, allow_blank=True)
    msn = serializers.CharField(max_length=10, required=False, allow_blank=True)
    hsn = serializers.CharField(max_length=10, required=False, allow_blank=True)


class FacturaSerializer(serializers.Serializer):
    numero = serializers.CharField(max_length=40)
    fecha = serializers.DateField()


class TotalesSerializer(serializers.Serializer):
    fob = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, **POSITIVE)
    flete = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, **POSITIVE)
    seguro = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, **POSITIVE)
    cif = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, **POSITIVE)
    peso_neto = serializers.DecimalField(
        max_digits=16, decimal_places=3, required=False, **POSITIVE
    )
    peso_bruto = serializers.DecimalField(
        max_digits=16, decimal_places=3, required=False, **POSITIVE
    )
    numero_items = serializers.IntegerField(required=False, min_value=1)


class ItemSerializer(serializers.Serializer):
    subpartida = serializers.RegexField(
        r"^[\d.\s-]{10,16}$",
        error_messages={"invalid": _("La subpartida tiene 10 dígitos (p. ej. 0901.21.10.00).")},
    )
    descripcion = serializers.CharField(max_length=500)
    pais_origen = serializers.CharField(max_length=2, min_length=2)
    cantidad_fisica = serializers.DecimalField(
        max_digits=16, decimal_places=4, min_value=Decimal("0.0001")
    )
    unidad_fisica = serializers.CharField(max_length=8)
    cantidad_comercial = serializers.DecimalField(
        max_digits=16, decimal_places=4, min_value=Decimal("0.0001")
    )
    unidad_comercial = serializers.CharField(max_length=8)
    peso_neto = serializers.DecimalField(max_digits=16, decimal_places=3, **POSITIVE)
    peso_bruto = serializers.DecimalField(max_digits=16, decimal_places=3, **POSITIVE)
    fob = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    flete = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, default=Decimal("0"), **POSITIVE
    )
    seguro = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, default=Decimal("0"), **POSITIVE
    )


class DaiSerializer(serializers.Serializer):
    tipo_documento = serializers.ChoiceField(choices=["DAI"], required=False, default="DAI")
    distrito = serializers.RegexField(
        r"^\d{3}$", error_messages={"invalid": _("El distrito tiene 3 dígitos.")}
    )
    regimen = serializers.RegexField(
        r"^\d{2}$", error_messages={"invalid": _("El régimen tiene 2 dígitos.")}
    )
    tipo_despacho = serializers.ChoiceField(
        choices=TipoDespacho.choices, required=False, default="normal"
    )
    declarante = DeclaranteSerializer()
    importador = PartySerializer()
    documento_transporte = TransporteSerializer(required=False)
    pais_origen = serializers.CharField(max_length=2, min_length=2)
    pais_procedencia = serializers.CharField(max_length=2, min_length=2)
    pais_embarque = serializers.CharField(max_length=2, min_length=2)
    puerto_embarque = serializers.CharField(max_length=60, required=False, allow_blank=True)
    fecha_embarque = serializers.DateField(required=False, allow_null=True)
    fecha_llegada = serializers.DateField(required=False, allow_null=True)
    incoterm = serializers.CharField(max_length=3)
    moneda = serializers.CharField(max_length=3, min_length=3)
    tipo_cambio = serializers.DecimalField(
        max_digits=14,
        decimal_places=6,
        required=False,
        default=Decimal("1"),
        min_value=Decimal("0.000001"),
    )
    forma_pago = serializers.ChoiceField(
        choices=FormaPago.choices, required=False, default="contado"
    )
    factura = FacturaSerializer()
    items = ItemSerializer(many=True, allow_empty=False, max_length=999)
    totales = TotalesSerializer(required=False)

"""The DAI e-doc schema (JSON; the XML of docs/edocs-xml.md maps onto the same fields)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ecuapass.edocs.serializers import TemplateFields, clone_field

from .models import Dai, DaiItem, FormaPago, TipoDespacho
from .services import (
    ITEM_FIELDS,
    LIQUIDATED,
    AmountOverflow,
    check_amounts,
    clean_subpartida,
)

POSITIVE = {"min_value": Decimal("0")}


class PartySerializer(TemplateFields, serializers.Serializer):
    ruc = serializers.RegexField(
        r"^\d{10}(\d{3})?$",
        max_length=13,
        error_messages={"invalid": _("El RUC tiene 13 dígitos (o la cédula 10).")},
    )
    nombre = serializers.CharField(max_length=300)


class DeclaranteSerializer(PartySerializer):
    codigo_oce = serializers.RegexField(r"^\d{8}$", required=False, allow_blank=True)


class TransporteSerializer(TemplateFields, serializers.Serializer):
    mrn = serializers.CharField(max_length=30, required=False, allow_blank=True)
    msn = serializers.CharField(max_length=10, required=False, allow_blank=True)
    hsn = serializers.CharField(max_length=10, required=False, allow_blank=True)


class FacturaSerializer(TemplateFields, serializers.Serializer):
    numero = serializers.CharField(max_length=40)
    fecha = serializers.DateField()


def bounded(model, name: str, **kwargs) -> serializers.DecimalField:
    """A decimal of the payload bounded like its column (digits and places from the model)."""
    field = model._meta.get_field(name)
    return serializers.DecimalField(
        max_digits=field.max_digits, decimal_places=field.decimal_places, **kwargs
    )


class TotalesSerializer(TemplateFields, serializers.Serializer):
    fob = bounded(Dai, "total_fob", required=False, **POSITIVE)
    flete = bounded(Dai, "total_flete", required=False, **POSITIVE)
    seguro = bounded(Dai, "total_seguro", required=False, **POSITIVE)
    cif = bounded(Dai, "total_cif", required=False, **POSITIVE)
    peso_neto = bounded(Dai, "total_peso_neto", required=False, **POSITIVE)
    peso_bruto = bounded(Dai, "total_peso_bruto", required=False, **POSITIVE)
    numero_items = serializers.IntegerField(required=False, min_value=1)


class ItemSerializer(serializers.ModelSerializer):
    """The item's shape is the model's (lengths, digits, bounds): the same as the editor's."""

    class Meta:
        model = DaiItem
        fields = ITEM_FIELDS
        extra_kwargs = {"pais_origen": {"min_length": 2}}
        # What DRF derives from the model's unique constraints for these fields: none (the
        # item's number is the server's). Named, so each request does not derive it again
        # (~0.1 ms); a test checks DRF still derives none.
        validators = []

    def get_fields(self):
        # DRF maps the model's fields to serializer fields at every instantiation (labels,
        # validators: a third of a DAI's validation in the API, issue 16). They are mapped once
        # per class and process (never bound: templates); each serializer gets its own copies
        # (``clone_field``, as the declared fields of ``TemplateFields``), so nothing bound to one
        # request is shared.
        mapped = type(self).__dict__.get("_mapped_fields")
        if mapped is None:
            mapped = super().get_fields()
            type(self)._mapped_fields = mapped
        return {name: clone_field(field) for name, field in mapped.items()}

    def validate_subpartida(self, value):
        try:
            return clean_subpartida(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class DaiSerializer(TemplateFields, serializers.Serializer):
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
    tipo_cambio = bounded(
        Dai, "tipo_cambio", required=False, default=Decimal("1"), min_value=Decimal("0.000001")
    )
    forma_pago = serializers.ChoiceField(
        choices=FormaPago.choices, required=False, default="contado"
    )
    factura = FacturaSerializer()
    items = ItemSerializer(many=True, allow_empty=False, max_length=999)
    totales = TotalesSerializer(required=False)

    def validate(self, attrs):
        """The totals and the liquidación these items make must fit their columns too."""
        try:
            attrs[LIQUIDATED] = check_amounts(attrs, on=timezone.localdate())
        except AmountOverflow as exc:
            raise serializers.ValidationError(exc.as_fields()) from None
        return attrs

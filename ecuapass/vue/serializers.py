"""The VUE request in the API (``POST /api/v1/edocs/`` with ``tipo_documento: "VUE"``) and in the
portal (its form's data go through the same serializer), and its content in the API's detail."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecuapass.correcciones.serializers import AdjuntoSerializer
from ecuapass.customs.services import clean_subpartida

from . import coverage, schema
from .models import DocumentoEmitido, Solicitud, TipoDocumento

CODE = "VUE"
MAX_PRODUCTOS = 50
MAX_ADJUNTOS = 10


class ProductoSerializer(serializers.Serializer):
    subpartida = serializers.CharField(max_length=20)
    descripcion = serializers.CharField(max_length=300)
    cantidad = serializers.DecimalField(max_digits=16, decimal_places=3, min_value=Decimal("0.001"))
    unidad = serializers.CharField(max_length=8)

    def validate_subpartida(self, value):
        try:
            return clean_subpartida(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class AdjuntoVueSerializer(AdjuntoSerializer):
    etiqueta = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="Documento que el archivo es"
    )


class SolicitudVueSerializer(serializers.Serializer):
    tipo_documento = serializers.CharField()
    tipo = serializers.CharField(max_length=20, help_text="Código del tipo de documento VUE")
    datos = serializers.DictField(required=False, default=dict)
    productos = ProductoSerializer(many=True, min_length=1, max_length=MAX_PRODUCTOS)
    adjuntos = AdjuntoVueSerializer(many=True, required=False, max_length=MAX_ADJUNTOS)
    nota = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    # Attachments already stored with the request (a subsanación keeps them).
    def __init__(self, *args, existing_labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_labels = set(existing_labels)

    def validate_tipo_documento(self, value):
        if value != CODE:
            raise serializers.ValidationError(_("Este esquema es el del tipo %(c)s.") % {"c": CODE})
        return value

    def validate(self, data):
        tipo = (
            TipoDocumento.objects.select_related("entidad")
            .filter(code=data["tipo"], active=True, entidad__active=True)
            .first()
        )
        if tipo is None:
            raise serializers.ValidationError(
                {"tipo": [_("Tipo de documento VUE desconocido: %(c)s.") % {"c": data["tipo"]}]}
            )
        values, errors = schema.clean(tipo.campos, data.get("datos"))
        problems = {}
        if errors:
            problems["datos"] = errors
        today = timezone.localdate()
        item_errors = []
        for producto in data["productos"]:
            if coverage.covers(tipo, producto["subpartida"], today):
                item_errors.append({})
            else:
                item_errors.append(
                    {
                        "subpartida": [
                            _("La subpartida %(s)s no está cubierta por %(t)s.")
                            % {"s": producto["subpartida"], "t": tipo.name}
                        ]
                    }
                )
        if any(item_errors):
            problems["productos"] = item_errors
        labels = self.existing_labels | {a.get("etiqueta", "") for a in data.get("adjuntos") or []}
        missing = [label for label in tipo.adjuntos_requeridos if label not in labels]
        if missing:
            problems["adjuntos"] = [_("Adjunte: %(docs)s.") % {"docs": ", ".join(missing)}]
        if problems:
            raise serializers.ValidationError(problems)
        data["tipo_obj"] = tipo
        data["datos_limpios"] = values
        return data


class SaldoOut(serializers.Serializer):
    numero = serializers.IntegerField()
    subpartida = serializers.CharField()
    descripcion = serializers.CharField()
    unidad = serializers.CharField()
    autorizado = serializers.DecimalField(max_digits=16, decimal_places=3)
    descargado = serializers.DecimalField(max_digits=16, decimal_places=3)
    disponible = serializers.DecimalField(max_digits=16, decimal_places=3)


class DocumentoEmitidoOut(serializers.ModelSerializer):
    entidad = serializers.CharField(source="tipo.entidad.code")
    tipo = serializers.CharField(source="tipo.code")
    situacion = serializers.SerializerMethodField()
    saldos = SaldoOut(many=True)
    verificacion = serializers.SerializerMethodField()

    class Meta:
        model = DocumentoEmitido
        fields = (
            "numero",
            "entidad",
            "tipo",
            "valido_desde",
            "valido_hasta",
            "condiciones",
            "situacion",
            "saldos",
            "verificacion",
        )

    def get_situacion(self, obj) -> str:
        return obj.situacion()

    def get_verificacion(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class SolicitudVueOut(serializers.ModelSerializer):
    tipo = serializers.CharField(source="tipo.code")
    entidad = serializers.CharField(source="tipo.entidad.code")
    productos = ProductoSerializer(many=True)
    adjuntos = serializers.SerializerMethodField()
    documento_emitido = serializers.SerializerMethodField()

    class Meta:
        model = Solicitud
        fields = (
            "tipo",
            "entidad",
            "datos",
            "productos",
            "adjuntos",
            "subsanaciones",
            "observaciones",
            "tasa_numero",
            "pagada_el",
            "vence_el",
            "documento_emitido",
        )

    def get_adjuntos(self, obj) -> list[dict]:
        return [
            {"etiqueta": a.etiqueta, "nombre": a.original_name, "sha256": a.sha256}
            for a in obj.adjuntos.all()
        ]

    @extend_schema_field(DocumentoEmitidoOut(allow_null=True))
    def get_documento_emitido(self, obj):
        documento = DocumentoEmitido.objects.filter(solicitud=obj).first()
        return DocumentoEmitidoOut(documento, context=self.context).data if documento else None

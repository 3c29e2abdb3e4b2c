"""API shapes of the despacho: what the operator and the officers read, and what they send.

Input field names are the portal forms' (and ``DespachoError.field``): one name per input.
"""

from __future__ import annotations

from rest_framework import serializers

from ecuapass.edocs.states import CanalAforo

from . import corrections
from .models import Correction, DocumentRequest, Inspection, Resultado

CANALES = [(c.value, c.label) for c in CanalAforo]


# --- output ---------------------------------------------------------------------------------
class ArchivoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nombre = serializers.CharField(source="original_name")
    tipo_contenido = serializers.CharField(
        source="content_type", help_text="Tipo detectado del contenido"
    )
    tamano = serializers.IntegerField(source="size", help_text="Bytes")
    sha256 = serializers.CharField()
    subido_el = serializers.DateTimeField(source="uploaded_on")


class SolicitudSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    documento = serializers.CharField(
        source="tipo.code", help_text="Código del documento de soporte"
    )
    nombre = serializers.CharField(source="tipo.localized_name")
    indicaciones = serializers.CharField(source="note")
    estado = serializers.ChoiceField(source="status", choices=DocumentRequest.Status.choices)
    solicitado_el = serializers.DateTimeField(source="requested_on")
    entregado_el = serializers.DateTimeField(source="delivered_on", allow_null=True)
    archivos = ArchivoSerializer(source="attachments.all", many=True)


class InspeccionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fecha = serializers.DateTimeField(source="scheduled_for")
    lugar = serializers.CharField(source="place")
    deposito = serializers.CharField(source="deposito.code", allow_null=True, default=None)
    resultado = serializers.ChoiceField(
        source="outcome", choices=Inspection.Outcome.choices, allow_blank=True
    )
    hallazgos = serializers.CharField(source="findings")


class ObservacionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    observacion = serializers.CharField(source="text")
    registrada_el = serializers.DateTimeField(source="raised_on")
    respuesta = serializers.CharField(source="answer")
    respondida_el = serializers.DateTimeField(source="answered_on", allow_null=True)
    archivos = ArchivoSerializer(source="attachments.all", many=True)


class CorreccionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_numero", allow_null=True)
    campo = serializers.CharField(source="field")
    valor_declarado = serializers.CharField(source="old_value")
    valor_corregido = serializers.CharField(source="new_value")
    motivo = serializers.CharField(source="reason")
    estado = serializers.ChoiceField(source="status", choices=Correction.Status.choices)
    respuesta = serializers.CharField(source="response")
    respondida_el = serializers.DateTimeField(source="responded_on", allow_null=True)


class TributoSerializer(serializers.Serializer):
    tributo = serializers.CharField()
    liquidado = serializers.DecimalField(source="original", max_digits=16, decimal_places=2)
    corregido = serializers.DecimalField(max_digits=16, decimal_places=2)
    diferencia = serializers.DecimalField(max_digits=16, decimal_places=2)


class ReliquidacionSerializer(serializers.Serializer):
    numero_complementaria = serializers.CharField(
        source="numero", help_text="Vacío si los tributos no subieron (no hay complementaria)"
    )
    fecha_tarifa = serializers.DateField(source="fecha")
    total_liquidado = serializers.DecimalField(
        source="total_original", max_digits=16, decimal_places=2
    )
    total_corregido = serializers.DecimalField(max_digits=16, decimal_places=2)
    diferencia = serializers.DecimalField(max_digits=16, decimal_places=2)
    emitida_el = serializers.DateTimeField(source="issued_on")
    tributos = TributoSerializer(source="tributos.all", many=True)


class MultaSerializer(serializers.Serializer):
    codigo = serializers.CharField(source="code")
    infraccion = serializers.CharField(source="name")
    base_legal = serializers.CharField(source="legal_basis")
    monto = serializers.DecimalField(source="amount", max_digits=16, decimal_places=2)
    impuesta_el = serializers.DateTimeField(source="imposed_on")


class EventoSerializer(serializers.Serializer):
    fecha = serializers.DateTimeField(source="at")
    accion = serializers.CharField(source="label")
    detalle = serializers.CharField(source="text")
    rol = serializers.CharField(source="role")
    quien = serializers.CharField(source="who")


class EventoInternoSerializer(EventoSerializer):
    ip = serializers.CharField()


class AforoSerializer(serializers.Serializer):
    """The aforo as the operator sees it (no risk profile, no internal assignment)."""

    numero_entrega = serializers.CharField(source="edoc.numero_entrega")
    numero_documento = serializers.CharField(source="edoc.document_number")
    estado_documento = serializers.CharField(source="edoc.estado_documento")
    canal = serializers.ChoiceField(choices=CANALES)
    abierto = serializers.BooleanField(source="is_open")
    resultado = serializers.ChoiceField(choices=Resultado.choices, allow_blank=True)
    cerrado_el = serializers.DateTimeField(source="closed_on", allow_null=True)
    informe_cierre = serializers.CharField(source="cierre_note")
    solicitudes = SolicitudSerializer(source="requests.all", many=True)
    inspecciones = InspeccionSerializer(source="inspections.all", many=True)
    observaciones = ObservacionSerializer(source="observations.all", many=True)
    correcciones = CorreccionSerializer(source="corrections.all", many=True)
    reliquidacion = serializers.SerializerMethodField()
    multas = MultaSerializer(source="multas.all", many=True)
    historial = serializers.SerializerMethodField()

    timeline_serializer = EventoSerializer

    def get_reliquidacion(self, case) -> ReliquidacionSerializer(allow_null=True):  # type: ignore[valid-type]
        rel = getattr(case, "reliquidacion", None)
        return ReliquidacionSerializer(rel).data if rel is not None else None

    def get_historial(self, case) -> EventoSerializer(many=True):  # type: ignore[valid-type]
        return self.timeline_serializer(self.context.get("timeline", []), many=True).data


class TramiteResumenSerializer(serializers.Serializer):
    """A row of the bandeja."""

    numero_entrega = serializers.CharField(source="edoc.numero_entrega")
    numero_documento = serializers.CharField(source="edoc.document_number")
    estado_documento = serializers.CharField(source="edoc.estado_documento")
    canal = serializers.ChoiceField(choices=CANALES)
    distrito = serializers.CharField()
    importador_ruc = serializers.CharField(source="importer_ruc")
    importador = serializers.CharField(source="importer_name")
    tecnico = serializers.CharField(source="tecnico.user.username", allow_null=True, default=None)
    asignado_el = serializers.DateTimeField(source="assigned_on", allow_null=True)
    plazo = serializers.DateTimeField(source="due_on")
    vencido = serializers.BooleanField(source="overdue")
    cerrado_el = serializers.DateTimeField(source="closed_on", allow_null=True)


class TramiteSerializer(AforoSerializer):
    """The trámite as the officers see it: plus técnico, plazo, the canal's explanation, IPs."""

    distrito = serializers.CharField()
    importador_ruc = serializers.CharField(source="importer_ruc")
    tecnico = serializers.CharField(source="tecnico.user.username", allow_null=True, default=None)
    plazo = serializers.DateTimeField(source="due_on")
    vencido = serializers.BooleanField(source="overdue")
    motivo_canal = serializers.SerializerMethodField()
    acciones = serializers.SerializerMethodField()

    timeline_serializer = EventoInternoSerializer

    def get_motivo_canal(self, case) -> str:
        from ecuapass.risk.services import explanation_for

        assignment = getattr(case.edoc, "canal_assignment", None)
        return explanation_for(assignment) if assignment else ""

    def get_acciones(self, case) -> list[str]:
        return self.context.get("acciones", [])

    def get_historial(self, case) -> EventoInternoSerializer(many=True):  # type: ignore[valid-type]
        return super().get_historial(case)


# --- input ------------------------------------------------------------------------------------
class ArchivoInputSerializer(serializers.Serializer):
    archivo = serializers.FileField(help_text="PDF, JPEG o PNG (tipo detectado del contenido)")


class RespuestaObservacionSerializer(serializers.Serializer):
    respuesta = serializers.CharField(max_length=4000)
    archivo = serializers.FileField(required=False, help_text="Opcional: PDF, JPEG o PNG")


class RespuestaCorreccionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("aceptar", "aceptar"), ("impugnar", "impugnar")])
    motivo = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class SolicitudInputSerializer(serializers.Serializer):
    documentos = serializers.ListField(
        child=serializers.CharField(max_length=16),
        min_length=1,
        max_length=20,
        help_text="Códigos del catálogo de documentos de soporte (01 factura comercial…)",
    )
    indicaciones = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class InspeccionInputSerializer(serializers.Serializer):
    fecha = serializers.DateTimeField()
    lugar = serializers.CharField(max_length=300)
    deposito = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Código de OCE del depósito temporal (se le notifica)",
    )


class ResultadoInspeccionSerializer(serializers.Serializer):
    resultado = serializers.ChoiceField(choices=Inspection.Outcome.choices)
    hallazgos = serializers.CharField(max_length=4000)


class ObservacionInputSerializer(serializers.Serializer):
    observacion = serializers.CharField(max_length=4000)


class CorreccionInputSerializer(serializers.Serializer):
    campo = serializers.ChoiceField(choices=())
    item = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=9999, default=None
    )
    valor = serializers.CharField(max_length=100)
    motivo = serializers.CharField(max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campo"].choices = corrections.field_choices()


class MultaInputSerializer(serializers.Serializer):
    codigo = serializers.CharField(max_length=16)
    motivacion = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class CierreInputSerializer(serializers.Serializer):
    resultado = serializers.ChoiceField(choices=Resultado.choices)
    informe = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    multas = MultaInputSerializer(many=True, required=False, default=list)


class AsignacionInputSerializer(serializers.Serializer):
    tecnico = serializers.CharField(max_length=150, help_text="ID Usuario del técnico aforador")
    nota = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

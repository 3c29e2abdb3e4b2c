"""API output of the engine: a document's summary and detail, the same for every type.

The detail's ``contenido`` is the type's own output (``DocumentType.output_serializer_class``),
described in the OpenAPI schema as one of the registered types' shapes.
"""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from ecuapass.core.reversing import path_for

from . import registry
from .lifecycle import state_label


def api_detail_path(numero_entrega: str) -> str:
    """``reverse("api:edocs_api:detail", args=[numero_entrega])``, reversed once per process
    (``core.reversing``: once per document of every API answer)."""
    return path_for("api:edocs_api:detail", numero_entrega)


def clone_field(field):
    """A new serializer's own copy of a template field (issue 16: DRF deep-copies every field
    at every instantiation, re-running its constructor: ~10 % of an API submission's CPU).

    The copy is a new object (so binding it to its serializer, and a nested serializer's own
    fields, belong to that serializer alone) sharing the template's configuration: validators,
    error messages, choices and defaults, which DRF sets in the constructor and never changes
    afterwards (the defaults of the serializers using it are immutable values). Templates are
    never bound nor used themselves."""
    new = object.__new__(type(field))
    new.__dict__.update(field.__dict__)
    if isinstance(field, serializers.ListSerializer):
        new.child = clone_field(field.child)
        new.child.parent = new  # what ListSerializer.__init__'s bind() does (name "" kept)
    elif isinstance(field, serializers.BaseSerializer):
        new.__dict__.pop("fields", None)  # its own fields, cloned in turn when first read
    return new


class TemplateFields:
    """Serializer mixin: each instance's fields are copies (``clone_field``) of the class's
    declared fields instead of deep copies: the same independence, without re-running
    constructors. Only for serializers whose fields' defaults are immutable values."""

    def get_fields(self):
        return {name: clone_field(field) for name, field in self._declared_fields.items()}


class EdocSummarySerializer(TemplateFields, serializers.Serializer):
    numero_entrega = serializers.CharField()
    tipo_documento = serializers.CharField(source="doc_type")
    nombre_documento = serializers.CharField(source="title")
    fecha_entrega = serializers.DateTimeField(source="sent_on", allow_null=True)
    canal = serializers.CharField(source="channel")
    estado_transmision = serializers.CharField()
    estado_documento = serializers.CharField()
    estado_documento_nombre = serializers.SerializerMethodField()
    numero_documento = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    portal_url = serializers.SerializerMethodField()

    def get_estado_documento_nombre(self, edoc) -> str:
        return state_label(edoc.estado_documento)

    def get_numero_documento(self, edoc) -> str | None:
        return edoc.document_number or None

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, edoc) -> str:
        return self._absolute(api_detail_path(edoc.numero_entrega))

    def get_portal_url(self, edoc) -> str:
        return self._absolute(edoc.get_absolute_url())


class SubmitAnswerSerializer(EdocSummarySerializer):
    reintento = serializers.BooleanField(help_text="True si la Idempotency-Key ya se había usado.")


class ErrorSerializer(TemplateFields, serializers.Serializer):
    fase = serializers.CharField(source="phase")
    codigo = serializers.CharField(source="code")
    campo = serializers.CharField(source="field")
    mensaje = serializers.CharField(source="message")


class HistorySerializer(TemplateFields, serializers.Serializer):
    estado = serializers.CharField(source="field")
    transicion = serializers.CharField(source="transition")
    desde = serializers.CharField(source="from_state")
    hacia = serializers.CharField(source="to_state")
    fecha = serializers.DateTimeField(source="at")
    usuario = serializers.SerializerMethodField()
    rol = serializers.CharField(source="by_role")
    proceso = serializers.SerializerMethodField()
    nota = serializers.CharField(source="note")

    def get_usuario(self, row) -> str | None:
        """The operator's user; an officer appears by role only (``rol``)."""
        if row.by_role not in ("", "filer", "party", "process"):
            return None
        return row.by_user.username if row.by_user_id else None

    def get_proceso(self, row) -> str | None:
        return row.by_process or None


def _content_schema():
    shapes = {
        t.code: t.output_serializer_class()
        for t in registry.all_types()
        if t.output_serializer_class() is not None
    }
    return PolymorphicProxySerializer(
        component_name="ContenidoEdoc",
        serializers=list(shapes.values()) or [serializers.DictField()],
        resource_type_field_name=None,
        many=False,
    )


class EdocDetailSerializer(EdocSummarySerializer):
    referencia = serializers.CharField(source="reference")
    codigo_oce = serializers.CharField(source="filer_oce.code")
    canal_aforo = serializers.CharField()
    errores = ErrorSerializer(source="errors.all", many=True)
    historial = serializers.SerializerMethodField()
    contenido = serializers.SerializerMethodField()

    @extend_schema_field(HistorySerializer(many=True))
    def get_historial(self, edoc):
        return HistorySerializer(edoc.history.select_related("by_user"), many=True).data

    # The schema lists the registered types' shapes: this module is imported with the
    # URLconf, after every app's ready() registered its types.
    @extend_schema_field(_content_schema())
    def get_contenido(self, edoc):
        output = edoc.type.output_serializer_class()
        content = edoc.content
        if output is None or content is None:
            return None
        return output(content, context=self.context).data

"""API of the VUE.

* Filing: ``POST /api/v1/edocs/`` with ``tipo_documento: "VUE"`` (schema in ``serializers``; the
  attachments in base64); reading its state and content: ``GET /api/v1/edocs/<entrega>/``.
* ``GET /api/v1/vue/tipos/`` — the permit types with their form schema, tasa and attachments.
* ``POST /api/v1/vue/solicitudes/<entrega>/subsanacion/`` — the applicant's subsanación.
* ``GET /api/v1/vue/documentos/<número>/`` — an issued document of the operator, with balances.
* ``GET /api/v1/interno/vue/solicitudes/`` and ``POST …/<entrega>/decision/`` — the agencies'
  staff (verified session), scoped to their agency.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ecuapass.api.pagination import CappedCountPagination
from ecuapass.api.parsers import SafeJSONParser
from ecuapass.api.permissions import MenuOptionGranted
from ecuapass.edocs import lifecycle
from ecuapass.edocs.lifecycle import state_label
from ecuapass.edocs.models import EDocument
from ecuapass.officers.access import audit

from . import services, states
from .access import FuncionarioAPIMixin
from .models import DocumentoEmitido, Solicitud, TipoDocumento
from .serializers import CODE, DocumentoEmitidoOut, SolicitudVueSerializer
from .views import OPTION

NOT_FOUND = _("No existe el documento o no es visible para su código de OCE.")


class TipoOut(serializers.ModelSerializer):
    entidad = serializers.CharField(source="entidad.code")

    class Meta:
        model = TipoDocumento
        fields = (
            "code",
            "name",
            "entidad",
            "operacion",
            "campos",
            "adjuntos_requeridos",
            "tasa",
            "tasa_base_legal",
            "plazo_dias_habiles",
            "vigencia_dias",
        )


class Tipos(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"GET": (OPTION,)}

    @extend_schema(
        operation_id="vue_tipos",
        summary="Tipos de documento VUE",
        responses={200: TipoOut(many=True)},
    )
    def get(self, request):
        tipos = TipoDocumento.objects.filter(active=True, entidad__active=True).select_related(
            "entidad"
        )
        return Response(TipoOut(tipos, many=True).data)


def _mine(request, numero_entrega: str) -> EDocument:
    edoc = (
        EDocument.objects.sent()
        .filter(
            doc_type=CODE,
            numero_entrega=numero_entrega.strip().upper(),
            party_operator_id=request.oce.registration.operator_id,
        )
        .first()
    )
    if edoc is None:
        raise exceptions.NotFound(NOT_FOUND)
    return edoc


class EstadoOut(serializers.Serializer):
    numero_entrega = serializers.CharField()
    estado = serializers.CharField()


class DecisionOut(EstadoOut):
    documento_emitido = serializers.CharField(allow_null=True)


class Subsanacion(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"POST": (OPTION,)}
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="vue_subsanacion",
        summary="Presentar la subsanación de una solicitud devuelta",
        request=SolicitudVueSerializer,
        responses={200: EstadoOut},
    )
    def post(self, request, numero_entrega: str):
        edoc = _mine(request, numero_entrega)
        solicitud = edoc.content
        serializer = SolicitudVueSerializer(
            data=request.data, existing_labels=[a.etiqueta for a in solicitud.adjuntos.all()]
        )
        serializer.is_valid(raise_exception=True)
        try:
            services.subsanar(edoc, serializer.validated_data, user=request.user, oce=request.oce)
        except (services.VueError, lifecycle.TransitionNotAllowed) as exc:
            raise exceptions.ValidationError({"estado": [str(exc)]}) from None
        edoc.refresh_from_db()
        return Response({"numero_entrega": edoc.numero_entrega, "estado": edoc.estado_documento})


class Documento(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"GET": (OPTION,)}

    @extend_schema(
        operation_id="vue_documento",
        summary="Documento de control previo emitido",
        responses={200: DocumentoEmitidoOut},
    )
    def get(self, request, numero: str):
        documento = (
            DocumentoEmitido.objects.select_related("tipo__entidad")
            .prefetch_related("saldos")
            .filter(numero=numero, titular_id=request.oce.registration.operator_id)
            .first()
        )
        if documento is None:
            raise exceptions.NotFound(NOT_FOUND)
        return Response(DocumentoEmitidoOut(documento, context={"request": request}).data)


# --- the agencies ----------------------------------------------------------------------------------
class SolicitudInternaOut(serializers.Serializer):
    numero_entrega = serializers.CharField(source="edoc.numero_entrega")
    numero_documento = serializers.CharField(source="edoc.document_number")
    tipo = serializers.CharField(source="tipo.code")
    estado = serializers.CharField(source="edoc.estado_documento")
    estado_label = serializers.SerializerMethodField()
    asignado_a = serializers.SerializerMethodField()
    vence_el = serializers.DateField()
    subsanaciones = serializers.IntegerField()

    def get_estado_label(self, obj) -> str:
        return state_label(obj.edoc.estado_documento)

    def get_asignado_a(self, obj) -> str:
        return obj.asignado_a.user.username if obj.asignado_a_id else ""


ALL = ("tecnico", "director")


class SolicitudesInternas(FuncionarioAPIMixin, APIView):
    vue_roles = {"GET": ALL}

    @extend_schema(
        operation_id="vue_interno_solicitudes",
        summary="Solicitudes VUE de la entidad",
        responses={200: SolicitudInternaOut(many=True)},
    )
    def get(self, request):
        funcionario = request.funcionario
        queryset = Solicitud.objects.filter(
            tipo__entidad=funcionario.entidad, edoc__estado_documento__in=states.OPEN
        ).select_related("edoc", "tipo", "asignado_a__user")
        if funcionario.rol == "tecnico":
            queryset = queryset.filter(asignado_a=funcionario)
        pager = CappedCountPagination()
        page = pager.paginate_queryset(queryset.order_by("vence_el", "pk"), request, view=self)
        return pager.get_paginated_response(SolicitudInternaOut(page, many=True).data)


class DecisionIn(serializers.Serializer):
    accion = serializers.ChoiceField(
        choices=["devolver", "emitir", "aprobar", "autorizar", "negar"]
    )
    nota = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    def validate(self, data):
        if data["accion"] in ("devolver", "negar") and not data.get("nota", "").strip():
            raise serializers.ValidationError(
                {"nota": [_("Escriba las observaciones o el motivo.")]}
            )
        return data


class Decision(FuncionarioAPIMixin, APIView):
    vue_roles = {"POST": ALL}
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="vue_interno_decision",
        summary="Actuar sobre una solicitud VUE",
        request=DecisionIn,
        responses={200: DecisionOut},
    )
    def post(self, request, numero_entrega: str):
        solicitud = (
            Solicitud.objects.select_related("edoc")
            .filter(
                edoc__numero_entrega=numero_entrega.strip().upper(),
                tipo__entidad=request.funcionario.entidad,
            )
            .first()
        )
        if solicitud is None:
            raise exceptions.NotFound(_("No existe la solicitud en su entidad."))
        data = DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            edoc = lifecycle.fire(
                solicitud.edoc,
                data.validated_data["accion"],
                note=data.validated_data.get("nota", ""),
                **audit(request),
            )
        except lifecycle.TransitionNotAllowed as exc:
            raise exceptions.ValidationError({"accion": [str(exc)]}) from None
        emitido = DocumentoEmitido.objects.filter(solicitud=solicitud).first()
        return Response(
            {
                "numero_entrega": edoc.numero_entrega,
                "estado": edoc.estado_documento,
                "documento_emitido": emitido.numero if emitido else None,
            }
        )

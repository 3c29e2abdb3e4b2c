"""API of the requests on DAIs.

* Filing: ``POST /api/v1/edocs/`` with ``tipo_documento`` DAI-COR, DAI-SUS or DAI-ANU (the
  engine's endpoint; schema in ``serializers``); reading: ``GET /api/v1/edocs/<entrega>/``.
* ``GET /api/v1/dai/<entrega>/versiones/`` — every version of a DAI and what changed (1.3).
* ``GET /api/v1/interno/solicitudes-dai/`` and
  ``POST /api/v1/interno/solicitudes-dai/<entrega>/decision/`` — SENAE's systems, with the officers'
  roles (``OfficerRoleGranted``), scoped to the officer's distritos.
* ``POST /api/v1/interno/correcciones/<entrega>/aforo/`` — the técnico aforador assigned to the
  open aforo of a DAE corrects it (``services.correct_in_aforo``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ecuapass.api.pagination import CappedCountPagination
from ecuapass.api.parsers import SafeJSONParser
from ecuapass.api.permissions import MenuOptionGranted
from ecuapass.edocs.access import SENT_OPTION, visible_documents
from ecuapass.edocs.lifecycle import state_label
from ecuapass.officers.access import OfficerAPIMixin, audit
from ecuapass.officers.roles import Role

from . import checks, kinds, services, targets
from .serializers import DaiVersionSerializer
from .views_interno import VISTAS, for_officer

NOT_FOUND = _("No existe el documento o no es visible para su código de OCE.")


def _clean(numero: str) -> str:
    if "\x00" in numero:
        raise exceptions.NotFound(NOT_FOUND)
    return numero.strip().upper()


class VersionesSerializer(serializers.Serializer):
    numero_entrega = serializers.CharField()
    numero_documento = serializers.CharField()
    version_actual = serializers.IntegerField()
    versiones = DaiVersionSerializer(many=True)


class DaiVersiones(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"GET": (SENT_OPTION,)}

    @extend_schema(
        operation_id="dai_versiones",
        summary="Versiones de una DAI: qué cambió en cada una, por qué solicitud",
        responses={200: VersionesSerializer},
    )
    def get(self, request, numero_entrega: str):
        dai = (
            visible_documents(request.oce)
            .sent()
            .filter(doc_type__in=targets.doc_types(), numero_entrega=_clean(numero_entrega))
            .first()
        )
        if dai is None:
            raise exceptions.NotFound(NOT_FOUND)
        versions = services.versions_of(dai)
        return Response(
            VersionesSerializer(
                {
                    "numero_entrega": dai.numero_entrega,
                    "numero_documento": dai.document_number,
                    "version_actual": checks.current_version(dai),
                    "versiones": versions,
                }
            ).data
        )


# --- officers ------------------------------------------------------------------------------------
VIEWERS = (Role.TECNICO, Role.SUPERVISOR, Role.ADMIN)


class SolicitudInternaSerializer(serializers.Serializer):
    numero_entrega = serializers.CharField()
    tipo_documento = serializers.CharField(source="doc_type")
    numero_documento = serializers.CharField(source="document_number")
    estado_documento = serializers.CharField()
    estado_documento_nombre = serializers.SerializerMethodField()
    distrito = serializers.CharField()
    codigo_oce = serializers.CharField(source="filer_oce.code")
    fecha_entrega = serializers.DateTimeField(source="sent_on")
    declaracion = serializers.SerializerMethodField()
    motivo = serializers.CharField(source="solicitud_dai.motivo")

    def get_estado_documento_nombre(self, edoc) -> str:
        return state_label(edoc.estado_documento)

    def get_declaracion(self, edoc) -> str:
        dai = edoc.solicitud_dai.dai
        return dai.document_number if dai else ""


class SolicitudesInternas(OfficerAPIMixin, APIView):
    officer_roles = {"GET": VIEWERS}

    @extend_schema(
        operation_id="interno_solicitudes_dai",
        summary="Solicitudes sobre DAI de los distritos del funcionario",
        parameters=[
            OpenApiParameter(
                "vista",
                str,
                enum=list(VISTAS),
                description="pendientes (por defecto), decididas, todas",
            ),
            OpenApiParameter("tipo", str, enum=list(kinds.CODES)),
        ],
        responses={200: SolicitudInternaSerializer(many=True)},
    )
    def get(self, request):
        vista = request.query_params.get("vista") or "pendientes"
        tipo = request.query_params.get("tipo") or ""
        errors = {}
        if vista not in VISTAS:
            errors["vista"] = [_("Elija pendientes, decididas o todas.")]
        if tipo and tipo not in kinds.KINDS:
            errors["tipo"] = [_("Tipo de solicitud desconocido.")]
        if errors:
            raise exceptions.ValidationError(errors)
        qs = for_officer(request.officer).filter(estado_documento__in=VISTAS[vista])
        if tipo:
            qs = qs.filter(doc_type=tipo)
        qs = qs.select_related("filer_oce", "solicitud_dai__dai").order_by("sent_on", "pk")
        paginator = CappedCountPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(SolicitudInternaSerializer(page, many=True).data)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["aprobar", "denegar"])
    nota = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class Decision(OfficerAPIMixin, APIView):
    officer_roles = {"POST": VIEWERS}
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="interno_solicitud_dai_decision",
        summary="Aprobar o denegar una solicitud sobre una DAI",
        request=DecisionSerializer,
        responses={200: SolicitudInternaSerializer},
    )
    def post(self, request, numero_entrega: str):
        edoc = (
            for_officer(request.officer)
            .select_related("filer_oce", "solicitud_dai__dai")
            .filter(numero_entrega=_clean(numero_entrega))
            .first()
        )
        if edoc is None:
            raise exceptions.NotFound(_("No existe la solicitud o no es de sus distritos."))
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            edoc = services.decide(
                edoc,
                approve=data["decision"] == "aprobar",
                officer=request.officer,
                note=data["nota"],
                ip=audit(request)["ip"],
            )
        except services.SolicitudError as exc:
            raise services.validation_error(exc) from None
        edoc = (
            for_officer(request.officer)
            .select_related("filer_oce", "solicitud_dai__dai")
            .get(pk=edoc.pk)
        )
        return Response(SolicitudInternaSerializer(edoc).data)


# --- the técnico aforador's correction during the aforo ----------------------------------------
class CorreccionAforoSerializer(serializers.Serializer):
    motivo = serializers.CharField(max_length=4000)
    cabecera = serializers.JSONField(required=False, default=dict)
    items = serializers.JSONField(required=False, default=None)


class CorreccionAforo(OfficerAPIMixin, APIView):
    """The técnico aforador assigned to the open aforo of a declaration that allows it (a DAE)
    corrects it: the next version, as an approved request would write it."""

    officer_roles = {"POST": (Role.TECNICO,)}
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="interno_correccion_en_aforo",
        summary="Corregir una declaración durante su aforo (técnico aforador asignado)",
        request=CorreccionAforoSerializer,
        responses={201: DaiVersionSerializer},
    )
    def post(self, request, numero_entrega: str):
        from ecuapass.edocs.models import EDocument

        qs = EDocument.objects.filter(
            doc_type__in=targets.doc_types(), numero_entrega=_clean(numero_entrega)
        )
        if not request.officer.acts_everywhere:
            qs = qs.filter(distrito__in=sorted(request.officer.distrito_codes))
        edoc = qs.first()
        if edoc is None:
            raise exceptions.NotFound(_("No existe la declaración o no es de sus distritos."))
        serializer = CorreccionAforoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            version = services.correct_in_aforo(
                edoc,
                officer=request.officer,
                cabecera=data["cabecera"],
                items=data["items"],
                motivo=data["motivo"],
                ip=audit(request)["ip"],
            )
        except services.SolicitudError as exc:
            raise services.validation_error(exc) from None
        return Response(DaiVersionSerializer(version).data, status=201)

"""API of the export trámite (channel S). The DAE and the manifest are filed and read through the
engine's ``/api/v1/edocs/``; here, the steps of the other actors:

* ``GET  /api/v1/exportacion/deposito/dae/`` — the DAEs naming the depósito (menu 1.14).
* ``POST /api/v1/exportacion/dae/<número>/ingreso/`` — Informe de Ingreso (depósito, 1.14).
* ``POST /api/v1/exportacion/dae/<número>/salida/`` — Informe de Salida (depósito, 1.14).
* ``POST /api/v1/exportacion/dae/<número>/regularizacion/`` — the exporter's regularización (1.3).

``<número>`` is the DAE's number (``028-2026-40-00000001``) or its número de entrega.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ecuapass.api.pagination import CappedCountPagination
from ecuapass.api.parsers import SafeJSONParser
from ecuapass.api.permissions import MenuOptionGranted
from ecuapass.correcciones.api import DecisionSerializer  # the same decision on a request
from ecuapass.edocs.access import SENT_OPTION, visible_documents
from ecuapass.edocs.lifecycle import state_label
from ecuapass.officers.access import OfficerAPIMixin, audit
from ecuapass.officers.roles import Role

from . import services
from .serializers import InformeOutputSerializer, InformeSerializer, RegularizacionSerializer

DEPOSITO_OPTION = "1.14"
NOT_FOUND = _("No existe la DAE o no es visible para su código de OCE.")


def _numero(value: str) -> Q:
    if "\x00" in value:
        raise exceptions.NotFound(NOT_FOUND)
    value = value.strip().upper()
    return Q(document_number=value) | Q(numero_entrega=value)


def _refusal(exc: services.ExportError):
    return exceptions.ValidationError({exc.field or "non_field_errors": [str(exc)]})


class DaeDepositoSerializer(serializers.Serializer):
    numero_documento = serializers.CharField(source="document_number")
    numero_entrega = serializers.CharField()
    estado = serializers.CharField(source="estado_documento")
    estado_label = serializers.SerializerMethodField()
    exportador = serializers.CharField(source="dae.exportador_nombre")
    bultos = serializers.IntegerField(source="dae.bultos")
    peso_bruto = serializers.DecimalField(
        source="dae.total_peso_bruto", max_digits=16, decimal_places=3
    )
    fecha_embarque_estimada = serializers.DateField(source="dae.fecha_embarque_estimada")

    def get_estado_label(self, edoc) -> str:
        return state_label(edoc.estado_documento)


class DepositoDaes(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"GET": (DEPOSITO_OPTION,)}

    @extend_schema(
        operation_id="exportacion_deposito_daes",
        summary="DAE que nombran al depósito (por ingresar, en aforo, con salida autorizada…)",
        responses={200: DaeDepositoSerializer(many=True)},
    )
    def get(self, request):
        qs = services.pendientes_del_deposito(request.oce)
        paginator = CappedCountPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DaeDepositoSerializer(page, many=True).data)


class _Informe(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"POST": (DEPOSITO_OPTION,)}
    parser_classes = [SafeJSONParser]
    action = ""

    def post(self, request, numero: str):
        edoc = services.pendientes_del_deposito(request.oce).filter(_numero(numero)).first()
        if edoc is None:
            raise exceptions.NotFound(NOT_FOUND)
        serializer = InformeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        register = (
            services.registrar_ingreso if self.action == "ingreso" else services.registrar_salida
        )
        try:
            row = register(
                edoc,
                serializer.validated_data,
                user=request.user,
                oce=request.oce,
                ip=request.META.get("REMOTE_ADDR"),
                channel="S",
            )
        except services.ExportError as exc:
            raise _refusal(exc) from None
        edoc.refresh_from_db()
        body = InformeOutputSerializer(row).data
        body["estado"] = edoc.estado_documento
        body["canal_aforo"] = edoc.canal_aforo
        return Response(body, status=status.HTTP_201_CREATED)


class Ingreso(_Informe):
    action = "ingreso"

    @extend_schema(
        operation_id="exportacion_ingreso",
        summary="Informe de Ingreso de Exportación (depósito temporal)",
        request=InformeSerializer,
        responses={201: InformeOutputSerializer},
    )
    def post(self, request, numero: str):
        return super().post(request, numero)


class Salida(_Informe):
    action = "salida"

    @extend_schema(
        operation_id="exportacion_salida",
        summary="Informe de Salida de Exportación (depósito temporal)",
        request=InformeSerializer,
        responses={201: InformeOutputSerializer},
    )
    def post(self, request, numero: str):
        return super().post(request, numero)


class Regularizar(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"POST": (SENT_OPTION,)}
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="exportacion_regularizacion",
        summary="Regularización de la DAE (solo el exportador, dentro del plazo)",
        request=RegularizacionSerializer,
        responses={201: RegularizacionSerializer},
    )
    def post(self, request, numero: str):
        edoc = (
            visible_documents(request.oce)
            .sent()
            .filter(doc_type="DAE")
            .filter(_numero(numero))
            .first()
        )
        if edoc is None:
            raise exceptions.NotFound(NOT_FOUND)
        serializer = RegularizacionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.regularizar(
                edoc,
                serializer.validated_data,
                user=request.user,
                oce=request.oce,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except services.ExportError as exc:
            raise _refusal(exc) from None
        body = dict(RegularizacionSerializer(serializer.validated_data).data)
        body["estado"] = "regularizada"
        return Response(body, status=status.HTTP_201_CREATED)


# --- SENAE: the decision on a DAE-ANU (supervisor of the DAE's distrito) ---------------------------
class DecisionAnulacion(OfficerAPIMixin, APIView):
    officer_roles = {"POST": (Role.SUPERVISOR, Role.ADMIN)}
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="interno_anulacion_dae_decision",
        summary="Aprobar o denegar una solicitud de anulación de DAE",
        request=DecisionSerializer,
        responses={200: DecisionSerializer},
    )
    def post(self, request, numero_entrega: str):
        from . import anulacion

        if "\x00" in numero_entrega:
            raise exceptions.NotFound(NOT_FOUND)
        edoc = (
            anulacion.for_officer(request.officer)
            .select_related("solicitud_dae__dae__edoc")
            .filter(numero_entrega=numero_entrega.strip().upper())
            .first()
        )
        if edoc is None:
            raise exceptions.NotFound(_("No existe la solicitud o no es de sus distritos."))
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            edoc = anulacion.decide(
                edoc,
                approve=data["decision"] == "aprobar",
                officer=request.officer,
                note=data["nota"],
                ip=audit(request)["ip"],
            )
        except anulacion.DecisionError as exc:
            raise exceptions.ValidationError({"decision": [str(exc)]}) from None
        return Response({"decision": data["decision"], "estado": edoc.estado_documento})

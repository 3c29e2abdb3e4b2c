"""Cargo API (channel S), besides filing MAN / MAN-H / MAN-COR through ``POST /api/v1/edocs/``:

* ``POST /api/v1/carga/llegadas/`` — the carrier registers the arrival of a manifest (1.3).
* ``POST /api/v1/carga/deposito/ingresos/`` · ``novedades/`` · ``salidas/`` — the depósito (1.13).
* ``GET /api/v1/carga/novedades/`` — 2.11 «Consulta de Informe de Novedades», paginated.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ecuapass.api.pagination import CappedCountPagination
from ecuapass.api.parsers import SafeJSONParser
from ecuapass.api.permissions import MenuOptionGranted
from ecuapass.core.client_ip import client_ip
from ecuapass.edocs.access import SENT_OPTION, visible_documents

from . import forms, selectors, services
from .serializers import (
    EventoOutputSerializer,
    IngresoSerializer,
    NovedadSerializer,
    SalidaSerializer,
)
from .views import CONSULTA_OPTION, DEPOSITO_OPTION


def _refused(exc: services.CargaError):
    return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})


class LlegadaSerializer(serializers.Serializer):
    mrn = serializers.CharField(max_length=20)
    fecha_hora = serializers.DateTimeField()


class LlegadaAnswerSerializer(serializers.Serializer):
    mrn = serializers.CharField()
    estado_documento = serializers.CharField()
    fecha_llegada = serializers.DateTimeField()


class Llegada(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"POST": (SENT_OPTION,)}
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="carga_llegada",
        summary="Registrar la llegada del medio de transporte de un manifiesto",
        request=LlegadaSerializer,
        responses={200: LlegadaAnswerSerializer},
    )
    def post(self, request):
        s = LlegadaSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        manifest = services.accepted_manifest(s.validated_data["mrn"])
        visible = (
            manifest is not None
            and visible_documents(request.oce).filter(pk=manifest.edoc_id).exists()
        )
        if not visible:
            raise exceptions.NotFound(
                _("No existe el manifiesto o no es visible para su código de OCE.")
            )
        try:
            edoc = services.registrar_llegada(
                manifest.edoc,
                fecha_hora=s.validated_data["fecha_hora"],
                user=request.user,
                oce=request.oce,
                ip=client_ip(request),
            )
        except services.CargaError as exc:
            raise _refused(exc) from None
        manifest.refresh_from_db()
        return Response(
            {
                "mrn": manifest.mrn,
                "estado_documento": edoc.estado_documento,
                "fecha_llegada": manifest.fecha_llegada,
            }
        )


class _DepositoEvent(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"POST": (DEPOSITO_OPTION,)}
    parser_classes = [SafeJSONParser]
    serializer_class = IngresoSerializer

    def record(self, documento, data, request):  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request):
        s = self.serializer_class(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        try:
            documento = services.documento_del_deposito(
                request.oce, data["mrn"], data["msn"], data["hsn"]
            )
            events = self.record(documento, data, request)
        except services.CargaError as exc:
            raise _refused(exc) from None
        events = events if isinstance(events, list) else [events]
        return Response(
            EventoOutputSerializer(events, many=True).data, status=status.HTTP_201_CREATED
        )


class Ingreso(_DepositoEvent):
    serializer_class = IngresoSerializer

    @extend_schema(
        operation_id="carga_ingreso",
        summary="IMDT: ingreso de mercancías a depósito temporal",
        request=IngresoSerializer,
        responses={201: EventoOutputSerializer(many=True)},
    )
    def post(self, request):
        return super().post(request)

    def record(self, documento, data, request):
        return services.registrar_ingreso(
            documento,
            oce=request.oce,
            user=request.user,
            bultos=data["bultos"],
            peso=data["peso"],
            fecha_hora=data["fecha_hora"],
            contenedores=data["contenedores"],
            observacion=data.get("observacion", ""),
        )


class Novedad(_DepositoEvent):
    serializer_class = NovedadSerializer

    @extend_schema(
        operation_id="carga_novedad",
        summary="Novedad de la carga en el depósito temporal",
        request=NovedadSerializer,
        responses={201: EventoOutputSerializer(many=True)},
    )
    def post(self, request):
        return super().post(request)

    def record(self, documento, data, request):
        return services.registrar_novedad(
            documento,
            oce=request.oce,
            user=request.user,
            novedad=data["novedad"],
            fase=data["fase"],
            fecha_hora=data["fecha_hora"],
            observacion=data["observacion"],
            bultos=data["bultos"],
            peso=data["peso"],
        )


class Salida(_DepositoEvent):
    serializer_class = SalidaSerializer

    @extend_schema(
        operation_id="carga_salida",
        summary="Salida de la carga con salida autorizada",
        request=SalidaSerializer,
        responses={201: EventoOutputSerializer(many=True)},
    )
    def post(self, request):
        return super().post(request)

    def record(self, documento, data, request):
        return services.registrar_salida(
            documento,
            oce=request.oce,
            user=request.user,
            fecha_hora=data["fecha_hora"],
            observacion=data.get("observacion", ""),
        )


class Novedades(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"GET": (CONSULTA_OPTION,)}

    @extend_schema(
        operation_id="carga_novedades",
        summary="2.11 Consulta de Informe de Novedades (distrito y rango de fechas obligatorios)",
        parameters=[
            OpenApiParameter(name, str, description=desc)
            for name, desc in [
                ("desde", "AAAA-MM-DD (obligatorio)"),
                ("hasta", "AAAA-MM-DD (obligatorio)"),
                ("distrito", "Código del distrito (obligatorio)"),
                ("fase", "ingreso, almacenamiento, salida"),
                ("numero", "Número de entrega"),
                ("deposito", "Código del depósito"),
                ("carga", "MRN (inicio del número de carga)"),
                ("q", "Búsqueda en resultados"),
            ]
        ],
        responses={200: EventoOutputSerializer(many=True)},
    )
    def get(self, request):
        form = forms.NovedadesForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        qs = selectors.novedades(request.oce, form.cleaned_data)
        paginator = CappedCountPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(EventoOutputSerializer(page, many=True).data)

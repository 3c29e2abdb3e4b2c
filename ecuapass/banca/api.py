"""The banks' API: ``/api/v1/banca/…`` (consult, pay with an Idempotency-Key, reverse, the day's
conciliación). Errors are ``{"error", "detail", "fields"}``, never a 500 for bad input."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .authentication import BancaTokenAuthentication, IsBankUser


class BancaAPIMixin:
    authentication_classes = [BancaTokenAuthentication, SessionAuthentication]
    permission_classes = [IsBankUser]


def _respond(answer: services.Answer) -> Response:
    return Response(answer.body, status=answer.status)


class PagoSerializer(serializers.Serializer):
    numero = serializers.CharField(max_length=30, help_text="Número de liquidación")
    monto = serializers.DecimalField(max_digits=16, decimal_places=2)
    referencia = serializers.CharField(max_length=60, help_text="Referencia del banco")


IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Clave única del banco por operación; repetirla devuelve la misma respuesta.",
)


class ObligacionView(BancaAPIMixin, APIView):
    @extend_schema(operation_id="banca_obligacion", responses=dict)
    def get(self, request, numero: str):
        return _respond(services.consult(numero))


class PagosView(BancaAPIMixin, APIView):
    @extend_schema(
        operation_id="banca_pagar",
        request=PagoSerializer,
        responses=dict,
        parameters=[IDEMPOTENCY],
    )
    def post(self, request):
        data = PagoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _respond(
            services.pay(
                request.entidad,
                numero=data.validated_data["numero"],
                monto=data.validated_data["monto"],
                referencia=data.validated_data["referencia"],
                key=request.headers.get("Idempotency-Key", ""),
                user=request.user,
            )
        )


class ReversoView(BancaAPIMixin, APIView):
    @extend_schema(
        operation_id="banca_reversar", request=None, responses=dict, parameters=[IDEMPOTENCY]
    )
    def post(self, request, pk: int):
        return _respond(
            services.reverse(
                request.entidad,
                payment_id=pk,
                key=request.headers.get("Idempotency-Key", ""),
                user=request.user,
            )
        )


class ConciliacionView(BancaAPIMixin, APIView):
    @extend_schema(
        operation_id="banca_conciliacion",
        parameters=[OpenApiParameter("fecha", str, description="AAAA-MM-DD (hoy si falta)")],
        responses=dict,
    )
    def get(self, request):
        raw = request.query_params.get("fecha", "")
        try:
            fecha = date.fromisoformat(raw) if raw else services.today()
        except ValueError:
            return Response(
                {
                    "error": "invalid",
                    "detail": _("Datos no válidos."),
                    "fields": {"fecha": [_("Use el formato AAAA-MM-DD.")]},
                },
                status=400,
            )
        return Response(services.conciliacion(request.entidad, fecha))

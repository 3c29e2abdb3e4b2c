"""e-doc API (channel S): POST a DAI as JSON or XML; list and read with the 1.3 filters."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ecuapass.api.pagination import CappedCountPagination
from ecuapass.api.parsers import SafeJSONParser
from ecuapass.api.permissions import MenuOptionGranted
from ecuapass.tariff import memo as tariff_memo

from . import registry, services
from .access import DRAFT_OPTION, SENT_OPTION, visible_documents
from .forms import EstadosForm
from .selectors import estados_queryset
from .serializers import EdocDetailSerializer, EdocSummarySerializer, SubmitAnswerSerializer
from .states import Channel
from .xml import TextXmlEdocParser, XmlEdocParser

MAX_BODY = 2 * 1024 * 1024


class EdocListCreate(APIView):
    permission_classes = [MenuOptionGranted]
    # Listing is 1.3 Integración de estados; transmitting is 1.1 Elaboración de e-Doc.
    menu_options = {"GET": (SENT_OPTION,), "POST": (DRAFT_OPTION,)}
    parser_classes = [SafeJSONParser, XmlEdocParser, TextXmlEdocParser]

    @extend_schema(
        operation_id="edocs_list",
        summary="Lista de e-docs (filtros de 1.3)",
        parameters=[
            OpenApiParameter(name, str, description=desc)
            for name, desc in [
                ("numero_entrega", "Número de entrega exacto"),
                ("tipo_documento", "Código del tipo (DAI)"),
                (
                    "estado",
                    "Estado de transmisión o del documento (recibido, procesado, error, aceptado, rechazado…)",
                ),
                ("periodo", "hoy, semana, mes, rango, todos"),
                ("desde", "AAAA-MM-DD"),
                ("hasta", "AAAA-MM-DD"),
                ("q", "Búsqueda en resultados"),
                ("operacion", "importacion, exportacion, carga, vue"),
            ]
        ],
        responses={200: EdocSummarySerializer(many=True)},
    )
    def get(self, request):
        form = EstadosForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        qs = estados_queryset(request.oce, form.to_filter())
        paginator = CappedCountPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = EdocSummarySerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        summary="Transmitir un e-doc (DAI) en JSON o XML",
        description="Cabecera opcional Idempotency-Key: un reintento con la misma clave devuelve el mismo envío.",
        request=dict,
        responses={202: SubmitAnswerSerializer},
    )
    def post(self, request):
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
            raise exceptions.ValidationError({"non_field_errors": [_("El documento excede 2 MB.")]})
        raw = request.data
        if not isinstance(raw, dict):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Se esperaba un objeto JSON.")]}
            )
        code = raw.get("tipo_documento")
        if not code:
            raise exceptions.ValidationError(
                {"tipo_documento": [_("Indique el tipo de documento (p. ej. «DAI»).")]}
            )
        doc_type = registry.find(str(code))
        if doc_type is None:
            raise exceptions.ValidationError(
                {"tipo_documento": [_("Tipo de documento desconocido: %(c)s.") % {"c": code}]}
            )
        oce = request.oce
        if not doc_type.may_file(oce.registration.oce_type):
            raise exceptions.PermissionDenied(
                _("El tipo de OCE %(t)s no puede transmitir %(d)s.")
                % {"t": oce.registration.oce_type.name, "d": doc_type.title}
            )
        declared = (
            (raw.get("declarante") or {}).get("codigo_oce")
            if isinstance(raw.get("declarante"), dict)
            else None
        )
        if declared and declared != oce.code:
            raise exceptions.ValidationError(
                {
                    "declarante": {
                        "codigo_oce": [
                            _(
                                "El código de OCE ingresado no es el correcto: el token es del código %(c)s."
                            )
                            % {"c": oce.code}
                        ]
                    }
                }
            )
        key = (request.headers.get("Idempotency-Key") or "").strip()[:100]
        with tariff_memo.using():  # the liquidación reads the tariff from memory
            serializer = doc_type.serializer_class()(data=raw)
            serializer.is_valid(raise_exception=True)
            outcome = services.submit_payload(
                doc_type,
                serializer.validated_data,
                raw=raw,
                user=request.user,
                oce=oce,
                channel=Channel.SOFTWARE,
                payload_xml=getattr(request._request, "_edoc_xml", ""),
                idempotency_key=key,
                schema_checked=True,  # raw passed the type's serializer above
            )
        edoc = outcome.envio.document
        edoc.reintento = outcome.replayed
        body = SubmitAnswerSerializer(edoc, context={"request": request}).data
        response = Response(body, status=status.HTTP_202_ACCEPTED)
        response["Location"] = body["url"]
        return response


class EdocDetail(APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"GET": (SENT_OPTION,)}

    @extend_schema(
        summary="Un e-doc: estados, errores, historial y su contenido (según el tipo)",
        responses={200: EdocDetailSerializer},
    )
    def get(self, request, numero_entrega: str):
        if "\x00" in numero_entrega:  # PostgreSQL text cannot hold NUL: no such document
            raise exceptions.NotFound(
                _("No existe el documento o no es visible para su código de OCE.")
            )
        edoc = (
            visible_documents(request.oce)
            .exclude(estado_documento="borrador")
            .select_related("filer_oce")
            .filter(numero_entrega=numero_entrega.upper())
            .first()
        )
        if edoc is None:
            raise exceptions.NotFound(
                _("No existe el documento o no es visible para su código de OCE.")
            )
        return Response(EdocDetailSerializer(edoc, context={"request": request}).data)

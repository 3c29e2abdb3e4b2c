"""Buzón API: the same inbox as the portal, scoped the same way.

The OCE mailbox included is the request's scope (``ecuapass.api.permissions``):
the token's código de OCE, or the session's active OCE; ``X-OCE-Code`` (or
``?oce=``) may only name that same code. Without one, only the BUZÓN PERSONAL.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from ecuapass.api.permissions import ScopedToOce

from .forms import InboxFilterForm
from .selectors import Mailbox, get_visible_notice
from .services import mark_read


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    estado = serializers.SerializerMethodField()
    de = serializers.CharField(source="sender")
    destinatario = serializers.SerializerMethodField()
    asunto = serializers.CharField(source="display_subject")
    categoria = serializers.CharField(source="category")
    categoria_nombre = serializers.CharField(source="category_label")
    tipo = serializers.CharField(source="kind")
    fecha = serializers.DateTimeField(source="created_on")

    def get_estado(self, obj) -> str:
        return "leido" if obj.is_read else "no_leido"

    def get_destinatario(self, obj) -> str:
        return "BUZON PERSONAL" if obj.user_id else obj.oce_code.code


class NoticeDetailSerializer(NoticeSerializer):
    mensaje = serializers.CharField(source="display_body")
    enlace = serializers.CharField(source="related_url")
    referencia = serializers.CharField(source="related_label")
    adjuntos = serializers.SerializerMethodField()

    def get_adjuntos(self, obj) -> list[dict]:
        from django.urls import reverse

        return [
            {
                "nombre": a.name,
                "tamano": a.size,
                "url": reverse("notifications:attachment", args=[obj.pk, a.pk]),
            }
            for a in obj.attachments.all()
        ]


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


OCE_PARAMS = [
    OpenApiParameter("X-OCE-Code", str, OpenApiParameter.HEADER, required=False),
    OpenApiParameter("desde", str, description="AAAA-MM-DD o DD/MM/AAAA"),
    OpenApiParameter("hasta", str, description="AAAA-MM-DD o DD/MM/AAAA"),
    OpenApiParameter("estado", str, enum=["leido", "no_leido"]),
    OpenApiParameter("remitente", str),
    OpenApiParameter("asunto", str),
]


class InboxAPI(APIView):
    permission_classes = [ScopedToOce]

    @extend_schema(
        summary="Buzón: notificaciones del usuario y del OCE activo",
        parameters=OCE_PARAMS,
        responses=NoticeSerializer(many=True),
    )
    def get(self, request):
        form = InboxFilterForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        qs = Mailbox(request.user, request.oce, form.cleaned_data)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(NoticeSerializer(page, many=True).data)


class NoticeAPI(APIView):
    permission_classes = [ScopedToOce]

    @extend_schema(
        summary="Una notificación (la marca como leída)",
        parameters=OCE_PARAMS[:1],
        responses=NoticeDetailSerializer,
    )
    def get(self, request, pk: int):
        notice = get_visible_notice(request.user, request.oce, pk)
        if notice is None:
            raise exceptions.NotFound(_("La notificación no existe o no es de su buzón."))
        mark_read(notice, request.user)
        notice.is_read = True
        return Response(NoticeDetailSerializer(notice).data)

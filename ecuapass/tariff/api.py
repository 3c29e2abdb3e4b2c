"""Public tariff API: search, a line with its measures in force, and the tax calculator."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ecuapass.core.process_cache import ProcessCache
from ecuapass.ops.replica import reads_from_replica

from . import version
from .codes import CommodityCode
from .models import Commodity, Measure, Restriction
from .services import ItemInput, TariffError, calculate, line_sheet, search
from .services.lookup import ancestors_map, path_of
from .services.search import PAGE_SIZE

SEARCH_CACHE_SECONDS = 600
# The JSON of the searches this process answered last, under the same keys as the shared
# cache (the tariff's version is in them): a repeated search costs no cache round trip.
_SEARCH_BODIES = ProcessCache(256)


class PublicAPIView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # anonymous: the "public" rate of ApiThrottle


_LEVEL_LABELS: dict[str, dict[int, str]] = {}


def _level_label(level: int) -> str:
    """The level's name in the active language, translated once per process and language
    (``get_level_display()`` rebuilt a lazy label for every node of every response)."""
    language = get_language() or ""
    labels = _LEVEL_LABELS.get(language)
    if labels is None:
        labels = _LEVEL_LABELS[language] = {v: str(lbl) for v, lbl in Commodity.Level.choices}
    return labels.get(level, str(level))


def _node(c: Commodity) -> dict:
    return {
        "codigo": c.dotted,
        "nivel": c.level,
        "nivel_nombre": _level_label(c.level),
        "descripcion": c.description_es,
        "descripcion_en": c.description_en,
    }


def _dated(obj) -> dict:
    return {
        "vigencia_desde": obj.valid_from.isoformat() if obj.valid_from else None,
        "vigencia_hasta": obj.valid_to.isoformat() if obj.valid_to else None,
        "base_legal": obj.legal_basis,
        "muestra": obj.sample,
        "etiqueta": str(settings.ECUAPASS_SAMPLE_TARIFF_LABEL) if obj.sample else "",
    }


def _measure(m: Measure) -> dict:
    return {
        "medida": m.kind,
        "nombre": str(m.get_kind_display()),
        "tarifa": f"{m.rate:.2f}" if m.rate is not None else None,
        "monto": f"{m.amount:.4f}" if m.amount is not None else None,
        "unidad": m.unit.code if m.unit_id else None,
        "clase_iva": m.iva_class or None,
        "aplica": m.applies,
        "valor": m.value_display,
        **_dated(m),
    }


def _restriction(r: Restriction) -> dict:
    return {
        "tipo": r.kind,
        "entidad": r.agency,
        "documento": r.document,
        "detalle": r.description,
        **_dated(r),
    }


def _fecha(request) -> date:
    text = request.query_params.get("fecha")
    if not text:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({"fecha": [_("Use el formato AAAA-MM-DD.")]}) from None


class SearchView(PublicAPIView):
    @extend_schema(
        operation_id="arancel_list",
        summary="Buscar en el arancel",
        description="Dígitos (con o sin puntos): prefijo del código. Texto: búsqueda de texto "
        "completo en español e inglés, sin distinguir tildes ni mayúsculas, ordenada por "
        "relevancia. Cada resultado trae su ruta en la nomenclatura.",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses=OpenApiTypes.OBJECT,
        tags=["arancel"],
    )
    @reads_from_replica
    def get(self, request):
        q = (request.query_params.get("q") or "").strip()
        if not q or "\x00" in q:  # PostgreSQL text cannot hold NUL
            raise ValidationError({"q": [_("Ingrese un código o una descripción.")]})
        page = request.query_params.get("page", "1")
        if not re.fullmatch(r"[0-9]{1,6}", str(page)) or int(page) < 1:
            raise ValidationError({"page": [_("Ingrese un número de página válido.")]})
        # The same search answers the same until the tariff changes (its version is in the key).
        digest = hashlib.sha256(f"{request.build_absolute_uri(request.path)}\0{q}".encode())
        digest = digest.hexdigest()[:32]
        tariff_version = version.current(max_age=version.public_max_age())
        key = f"tariff:search:{tariff_version}:{get_language()}:{digest}:{int(page)}"
        if request.accepted_renderer.format != "json":  # the browsable API renders the data
            return Response(self._search_data(request, q, int(page), key))
        body = _SEARCH_BODIES.get(key)
        if body is None:
            body = JSONRenderer().render(self._search_data(request, q, int(page), key))
            _SEARCH_BODIES.set(key, body)
        return HttpResponse(body, content_type="application/json")

    def _search_data(self, request, q: str, page: int, key: str) -> dict:
        data = cache.get(key)
        if data is None:
            data = self._search(request, q, page)
            cache.set(key, data, SEARCH_CACHE_SECONDS)
        return data

    def _search(self, request, q: str, page: int) -> dict:
        results = search(q, page, PAGE_SIZE)
        page_obj = results.page

        def link(n):
            url = request.build_absolute_uri(request.path)
            return f"{url}?{urlencode({'q': q, 'page': n})}"

        return {
            "count": results.count,
            "page": page_obj.number,
            "pages": page_obj.paginator.num_pages,
            "next": link(page_obj.next_page_number()) if page_obj.has_next() else None,
            "previous": link(page_obj.previous_page_number()) if page_obj.has_previous() else None,
            "results": [
                {
                    **_node(hit.commodity),
                    "muestra": hit.commodity.sample,
                    "seccion": hit.section.roman if hit.section else None,
                    "ruta": [_node(n) for n in hit.path],
                }
                for hit in results.hits
            ],
        }


class LineView(PublicAPIView):
    @extend_schema(
        summary="Subpartida con sus medidas vigentes",
        description="Una subpartida nacional (10 dígitos) con las medidas, restricciones y "
        "prohibiciones vigentes en la fecha indicada (hoy por omisión) y su historial. "
        "Para códigos de 2 a 8 dígitos, el nodo con sus hijos.",
        parameters=[OpenApiParameter("fecha", OpenApiTypes.DATE)],
        responses=OpenApiTypes.OBJECT,
        tags=["arancel"],
    )
    def get(self, request, codigo: str):
        code = CommodityCode.try_parse(codigo)
        if code is None:
            raise Http404
        on = _fecha(request)
        if not code.is_line:
            node = Commodity.objects.select_related("section").filter(code=code.digits).first()
            if node is None:
                raise Http404
            nodes = ancestors_map([node.code])
            return Response(
                {
                    **_node(node),
                    "seccion": node.section.roman,
                    "ruta": [_node(n) for n in path_of(node.code, nodes)],
                    "hijos": [_node(c) for c in node.children.order_by("code")],
                }
            )
        sheet = line_sheet(code.digits, on)
        if sheet is None:
            raise Http404
        line = sheet.line
        data = {
            **_node(line),
            "fecha": on.isoformat(),
            "vigente": sheet.in_force,
            "unidad": line.unit.code if line.unit_id else None,
            "vigencia_desde": line.valid_from.isoformat() if line.valid_from else None,
            "vigencia_hasta": line.valid_to.isoformat() if line.valid_to else None,
            "seccion": sheet.section.roman,
            "ruta": [_node(n) for n in sheet.path],
            "medidas": [_measure(m) for m in sheet.measures_in_force],
            "restricciones": [_restriction(r) for r in sheet.restrictions],
            "prohibiciones": [_restriction(r) for r in sheet.prohibitions],
            "historial": [_measure(m) for m in sheet.history],
            "muestra": sheet.sample,
        }
        if sheet.sample:
            data["aviso"] = str(settings.ECUAPASS_SAMPLE_TARIFF_LABEL)
        return Response(data)


class ItemSerializer(serializers.Serializer):
    subpartida = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=20
    )
    fob = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=Decimal("0"))
    flete = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=Decimal("0"))
    seguro = serializers.DecimalField(
        max_digits=18, decimal_places=4, min_value=Decimal("0"), required=False, allow_null=True
    )
    cantidad = serializers.DecimalField(
        max_digits=18, decimal_places=4, min_value=Decimal("0"), required=False, allow_null=True
    )
    tarifa_ad_valorem = serializers.DecimalField(
        max_digits=9,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        required=False,
        allow_null=True,
    )
    tarifa_ice = serializers.DecimalField(
        max_digits=9,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        required=False,
        allow_null=True,
    )

    def validate(self, attrs):
        if not attrs.get("subpartida") and attrs.get("tarifa_ad_valorem") is None:
            raise ValidationError(
                {
                    "subpartida": [
                        _("Ingrese la subpartida, o la tarifa ad valorem para una simulación.")
                    ]
                }
            )
        return attrs


class CalculationRequestSerializer(serializers.Serializer):
    fecha = serializers.DateField(input_formats=["%Y-%m-%d"])
    items = ItemSerializer(many=True, allow_empty=False, max_length=500)


AMOUNTS = {
    k: serializers.CharField()
    for k in (
        "cif",
        "base_ad_valorem",
        "ad_valorem",
        "especifico",
        "salvaguardia",
        "fodinfa",
        "ice",
        "iva",
        "total_tributos",
    )
}


class CalculationView(PublicAPIView):
    @extend_schema(
        summary="Cálculo de tributos",
        description="Liquida los tributos de importación por ítem en la fecha indicada. Montos "
        "como cadenas decimales; tarifas de simulación en porcentaje. Cada valor trae su "
        "tarifa, base, fundamento legal y vigencia.",
        request=CalculationRequestSerializer,
        responses=inline_serializer(
            "Liquidacion",
            {
                "fecha": serializers.DateField(),
                "items": inline_serializer(
                    "LiquidacionItem",
                    {
                        **AMOUNTS,
                        "subpartida": serializers.CharField(allow_null=True),
                        "fundamentos": serializers.ListField(child=serializers.DictField()),
                        "sobrescritas": serializers.ListField(child=serializers.CharField()),
                        "muestra": serializers.BooleanField(),
                    },
                    many=True,
                ),
                "totales": inline_serializer("LiquidacionTotales", AMOUNTS),
                "muestra": serializers.BooleanField(),
            },
        ),
        tags=["tributos"],
    )
    def post(self, request):
        serializer = CalculationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        items = [
            ItemInput(
                subpartida=i.get("subpartida") or None,
                fob=i["fob"],
                flete=i["flete"],
                seguro=i.get("seguro"),
                cantidad=i["cantidad"] if i.get("cantidad") is not None else Decimal("1"),
                tarifa_ad_valorem=i.get("tarifa_ad_valorem"),
                tarifa_ice=i.get("tarifa_ice"),
            )
            for i in data["items"]
        ]
        try:
            calc = calculate(data["fecha"], items)
        except TariffError as exc:
            raise ValidationError(exc.as_fields()) from None
        return Response(calc.as_dict())

"""The DAI's content in the API detail: header, items and liquidación, as stored."""

from __future__ import annotations

from rest_framework import serializers

from ecuapass.tariff.services.calculator import TRIBUTE_KEYS

from .models import Dai, DaiItem, Liquidacion


class DaiItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DaiItem
        exclude = ("id", "dai")


class LiquidacionOutputSerializer(serializers.ModelSerializer):
    congelada = serializers.BooleanField(source="frozen")
    totales = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = Liquidacion
        fields = ("fecha", "congelada", "error", "muestra", "totales", "items")

    def get_totales(self, liq) -> dict[str, str]:
        totals = {key: str(getattr(liq, f"total_{key}")) for key in ("cif", *TRIBUTE_KEYS)}
        totals["total_tributos"] = str(liq.total_tributos)
        return totals

    def get_items(self, liq) -> list[dict]:
        return (liq.detalle or {}).get("items", [])


class DaiOutputSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()
    liquidacion = serializers.SerializerMethodField()

    class Meta:
        model = Dai
        exclude = ("id", "edoc")

    def get_items(self, dai) -> list[dict]:
        return DaiItemOutputSerializer(dai.items.order_by("numero"), many=True).data

    def get_liquidacion(self, dai) -> dict | None:
        liq = Liquidacion.objects.filter(dai=dai).first()
        return LiquidacionOutputSerializer(liq).data if liq else None

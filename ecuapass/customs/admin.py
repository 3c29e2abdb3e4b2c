from django.contrib import admin

from ecuapass.edocs.admin import SentDocumentReadOnlyMixin

from .models import Dai, DaiItem, Liquidacion, TipoCambio


class DaiItemInline(SentDocumentReadOnlyMixin, admin.TabularInline):
    model = DaiItem
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not self._sent(obj) and super().has_add_permission(request, obj)

    fields = [
        "numero",
        "subpartida",
        "descripcion",
        "pais_origen",
        "fob",
        "flete",
        "seguro",
        "total_tributos",
    ]


@admin.register(Dai)
class DaiAdmin(SentDocumentReadOnlyMixin, admin.ModelAdmin):
    list_display = ["edoc", "distrito", "regimen", "importador_ruc", "factura_numero", "total_cif"]
    search_fields = [
        "importador_ruc",
        "factura_numero",
        "edoc__numero_entrega",
        "edoc__document_number",
    ]
    raw_id_fields = ["edoc", "importador"]
    inlines = [DaiItemInline]


@admin.register(Liquidacion)
class LiquidacionAdmin(SentDocumentReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dai", "fecha", "total_tributos", "frozen_on"]
    raw_id_fields = ["dai"]

    def document_of(self, obj):
        return obj.dai.edoc


@admin.register(TipoCambio)
class TipoCambioAdmin(admin.ModelAdmin):
    list_display = ("moneda", "fecha", "tasa", "fuente")
    list_filter = ("moneda",)
    date_hierarchy = "fecha"

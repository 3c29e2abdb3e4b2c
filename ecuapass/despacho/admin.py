"""Back office: the despacho's catalogs are edited here; the aforo itself only in the portal
interno (cases, corrections, re-liquidations and multas are read-only records)."""

from __future__ import annotations

from django.contrib import admin

from .models import AforoCase, AforoEvent, Multa, Reliquidacion, TarifaMulta, TipoDocumentoSoporte


@admin.register(TipoDocumentoSoporte)
class TipoDocumentoSoporteAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "active")
    search_fields = ("code", "name")


@admin.register(TarifaMulta)
class TarifaMultaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "amount", "legal_basis", "valid_from", "valid_to", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "legal_basis")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = AforoEvent
    fields = ("at", "kind", "by_user", "by_role", "by_oce", "ip", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AforoCase)
class AforoCaseAdmin(ReadOnly):
    list_display = ("edoc", "canal", "distrito", "tecnico", "due_on", "closed_on", "resultado")
    list_filter = ("canal", "distrito", "resultado")
    search_fields = ("edoc__numero_entrega", "edoc__document_number", "importer_ruc")
    list_select_related = ("edoc", "tecnico__user")
    inlines = [EventInline]


@admin.register(Reliquidacion)
class ReliquidacionAdmin(ReadOnly):
    list_display = (
        "numero",
        "case",
        "total_original",
        "total_corregido",
        "diferencia",
        "issued_on",
    )
    search_fields = ("numero", "case__edoc__document_number")
    list_select_related = ("case__edoc",)


@admin.register(Multa)
class MultaAdmin(ReadOnly):
    list_display = ("code", "amount", "importer_ruc", "case", "imposed_on")
    search_fields = ("code", "importer_ruc", "case__edoc__document_number")
    list_select_related = ("case__edoc",)

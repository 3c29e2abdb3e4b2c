from django.contrib import admin

from .models import (
    Country,
    Currency,
    CustomsDistrict,
    CustomsRegime,
    IdentityDocumentType,
    Incoterm,
    OceType,
    Sequence,
    UnitOfMeasure,
    WorkerHeartbeat,
)


class CatalogAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "name_en")
    list_editable = ("active",)


for model in (
    OceType,
    CustomsDistrict,
    IdentityDocumentType,
    Country,
    Currency,
    UnitOfMeasure,
    Incoterm,
):
    admin.site.register(model, CatalogAdmin)


@admin.register(CustomsRegime)
class CustomsRegimeAdmin(CatalogAdmin):
    list_display = ("code", "name", "flow", "active")
    list_filter = ("flow", "active")


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ("key", "value")
    search_fields = ("key",)

    def has_change_permission(self, request, obj=None):
        return False  # numbering is never edited by hand

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """The workers' hosts and processes (/healthz, being public, shows neither)."""

    list_display = ("worker", "host", "pid", "queues", "started_on", "seen_on", "stopped_on", "job")
    ordering = ("-seen_on",)

    def has_add_permission(self, request):
        return False  # written by the workers themselves

    def has_change_permission(self, request, obj=None):
        return False

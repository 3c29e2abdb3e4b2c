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

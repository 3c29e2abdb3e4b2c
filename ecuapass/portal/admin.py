from django.contrib import admin

from .models import Favourite, GrantedOption, MenuEntry


@admin.register(MenuEntry)
class MenuEntryAdmin(admin.ModelAdmin):
    list_display = ("number", "label", "group", "url_name", "access", "available", "active")
    list_filter = ("group", "access", "available", "active")
    list_editable = ("available", "active")
    search_fields = ("number", "label", "url_name")
    filter_horizontal = ("oce_types",)


@admin.register(GrantedOption)
class GrantedOptionAdmin(admin.ModelAdmin):
    list_display = ("grant", "entry")
    list_select_related = ("grant__user", "grant__oce_code", "entry")
    search_fields = ("grant__user__username", "grant__oce_code__code", "entry__number")
    autocomplete_fields = ("entry",)
    raw_id_fields = ("grant",)


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ("user", "entry", "position")
    list_select_related = ("user", "entry")

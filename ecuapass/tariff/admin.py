"""Back office: nomenclature, dated measures (history kept), tax rules, arancel upload."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ecuapass.core.uploads import upload_limit

from .models import Commodity, Measure, Restriction, Section, TaxRule
from .services.loaders import MAX_BYTES, load_arancel

FILE_LABEL = _("Archivo del arancel (.xlsx o .csv)")


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = (
        "kind", "rate", "amount", "unit", "iva_class", "applies",
        "valid_from", "valid_to", "legal_basis", "sample",
    )  # fmt: skip
    ordering = ("kind", "-valid_from")
    show_change_link = True


class RestrictionInline(admin.TabularInline):
    model = Restriction
    extra = 0
    fields = ("kind", "agency", "document", "description", "valid_from", "valid_to", "legal_basis")


class ArancelUploadForm(forms.Form):
    archivo = forms.FileField(
        label=FILE_LABEL,
        help_text=_("Formato descrito en docs/arancel-format.md."),
    )
    muestra = forms.BooleanField(label=_("Es un archivo de muestra (no oficial)"), required=False)

    def clean_archivo(self):
        f = self.cleaned_data["archivo"]
        if not f.name.lower().endswith((".csv", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("El archivo debe ser .csv o .xlsx."))
        if f.size > MAX_BYTES:  # a larger upload was not stored (core.uploads)
            raise forms.ValidationError(_("El archivo no puede pasar de 50 MB."))
        return f


@admin.register(Commodity)
class CommodityAdmin(SimpleHistoryAdmin):
    list_display = ("dotted", "level", "description_es", "unit", "valid_from", "valid_to", "sample")
    list_filter = ("level", "sample", "section", "text_source")
    search_fields = ("code", "description_es", "description_en")
    list_select_related = ("unit",)
    raw_id_fields = ("parent",)
    readonly_fields = ("level",)
    inlines = [MeasureInline, RestrictionInline]
    change_list_template = "admin/tariff/commodity/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        from .codes import digits_of, looks_like_code, prefix_bounds

        if looks_like_code(search_term):
            low, high = prefix_bounds(digits_of(search_term)[:10])
            return queryset.filter(code__gte=low, code__lt=high), False
        return super().get_search_results(request, queryset, search_term)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.level == 10 else []

    def get_urls(self):
        urls = [
            path(
                "cargar/",
                self.admin_site.admin_view(self.upload_view),
                name="tariff_commodity_upload",
            )
        ]
        return urls + super().get_urls()

    @upload_limit(MAX_BYTES, field=FILE_LABEL)
    def upload_view(self, request):
        if not self.has_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ArancelUploadForm(request.POST, request.FILES)
            if form.is_valid():
                f = form.cleaned_data["archivo"]
                report = load_arancel(
                    f, f.name, sample=form.cleaned_data["muestra"], user=request.user
                )
                if report.file_error:  # refused as a whole: nothing was loaded
                    form.add_error("archivo", report.file_error)
                    report = None
                else:
                    level = messages.WARNING if report.errors else messages.SUCCESS
                    self.message_user(request, report.summary().splitlines()[0], level)
        else:
            form = ArancelUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cargar archivo del arancel"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:tariff_commodity_changelist"),
        }
        return render(request, "admin/tariff/commodity/upload.html", context)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if not instance.pk:
                instance.created_by = request.user
            instance.modified_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = (
        "line",
        "kind",
        "value_display",
        "valid_from",
        "valid_to",
        "legal_basis",
        "sample",
    )
    list_filter = ("kind", "sample")
    search_fields = ("line__code", "legal_basis")
    list_select_related = ("line", "unit")
    raw_id_fields = ("line",)
    date_hierarchy = "valid_from"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Restriction)
class RestrictionAdmin(SimpleHistoryAdmin):
    list_display = ("line", "kind", "agency", "document", "valid_from", "valid_to")
    list_filter = ("kind", "agency")
    search_fields = ("line__code", "agency", "document")
    list_select_related = ("line",)
    raw_id_fields = ("line",)


@admin.register(TaxRule)
class TaxRuleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "iva_class", "rate", "base", "valid_from", "valid_to", "legal_basis")
    list_filter = ("code",)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("roman", "title_es", "official_translation")

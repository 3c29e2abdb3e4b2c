"""Technical administration. Profiles are maintained by analysts in the portal interno;
here an approved version, the assignments and their events are read-only."""

from django.contrib import admin

from .models import (
    CanalAssignment,
    OeaCertification,
    OeaSamplingFactor,
    ReferenceValue,
    RiskProfile,
    RiskProfileEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = RiskProfileEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "by_user", "ip", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RiskProfile)
class RiskProfileAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "version",
        "name",
        "canal",
        "sampling_pct",
        "priority",
        "valid_from",
        "valid_to",
        "approved_on",
        "active",
    ]
    list_filter = ["canal", "active", ("approved_on", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "subpartida_prefix", "importer_ruc"]
    inlines = [EventInline]
    # Approval is four-eyes, in the portal interno only.
    readonly_fields = [
        "code",
        "version",
        "supersedes",
        "approved_by",
        "approved_on",
        "deactivated_by",
        "deactivated_on",
        "deactivation_note",
        "created_by",
        "created_on",
        "modified_by",
        "modified_on",
    ]

    def has_add_permission(self, request):
        return False  # a new profile gets its code and four-eyes approval in the portal interno

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return [f.name for f in obj._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_approved

    def save_model(self, request, obj, form, change):
        obj.modified_by = request.user  # whoever changes a draft may not approve it
        super().save_model(request, obj, form, change)


@admin.register(CanalAssignment)
class CanalAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["edoc", "canal", "decisive_profile", "evaluated_on", "assigned_on"]
    list_filter = ["canal", "evaluated_on"]
    search_fields = ["edoc__numero_entrega", "edoc__document_number"]
    raw_id_fields = ["edoc", "decisive_profile"]


@admin.register(ReferenceValue)
class ReferenceValueAdmin(admin.ModelAdmin):
    list_display = ["subpartida", "value_per_kg", "valid_from", "valid_to", "source"]
    search_fields = ["subpartida", "source"]


@admin.register(OeaCertification)
class OeaCertificationAdmin(admin.ModelAdmin):
    list_display = ["operator", "certificate", "valid_from", "valid_to", "revoked_on"]
    search_fields = ["operator__ruc", "operator__legal_name", "certificate"]
    raw_id_fields = ["operator"]


@admin.register(OeaSamplingFactor)
class OeaSamplingFactorAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "factor", "legal_basis"]

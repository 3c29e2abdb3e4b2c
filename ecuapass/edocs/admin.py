"""Back office: e-docs with their envío, observations and status history (read-only)."""

from django.contrib import admin

from .models import DocumentError, EDocument, Envio, StatusChange


class SentDocumentReadOnlyMixin:
    """Back office for a document's content: once sent, nobody edits or deletes it here.

    After "Enviar" a document changes only through the engine (processing, the
    type's lifecycle transitions, approved corrections with their versions), never
    through the admin. ``document_of(obj)`` returns the object's EDocument.
    """

    def document_of(self, obj):
        return obj.edoc

    def _sent(self, obj) -> bool:
        edoc = self.document_of(obj) if obj is not None else None
        return edoc is not None and not edoc.is_draft

    def has_change_permission(self, request, obj=None):
        return not self._sent(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._sent(obj) and super().has_delete_permission(request, obj)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = [
        "field",
        "transition",
        "from_state",
        "to_state",
        "at",
        "by_user",
        "by_process",
        "by_role",
        "ip",
        "note",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class DocumentErrorInline(admin.TabularInline):
    model = DocumentError
    extra = 0
    can_delete = False
    readonly_fields = ["phase", "code", "field", "message"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EDocument)
class EDocumentAdmin(SentDocumentReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "numero_entrega",
        "doc_type",
        "filer_oce",
        "sent_on",
        "estado_transmision",
        "estado_documento",
        "document_number",
    ]
    list_filter = ["doc_type", "estado_transmision", "estado_documento", "channel"]
    search_fields = ["numero_entrega", "document_number", "reference"]
    raw_id_fields = ["filer_oce", "party_operator", "created_by", "modified_by"]
    readonly_fields = [
        "estado_transmision",
        "estado_documento",
        "numero_entrega",
        "sent_on",
        "document_number",
        "job_id",
        "processing_attempts",
    ]
    inlines = [DocumentErrorInline, StatusChangeInline]
    date_hierarchy = "sent_on"

    def document_of(self, obj):
        return obj


@admin.register(Envio)
class EnvioAdmin(admin.ModelAdmin):
    list_display = ["numero_entrega", "channel", "sender_oce", "sender_user", "sent_on"]
    search_fields = ["numero_entrega", "idempotency_key"]
    raw_id_fields = ["document", "sender_oce", "sender_user"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

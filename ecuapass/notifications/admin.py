"""Officers read the buzón in the back office; notices are never edited or deleted."""

from django.contrib import admin

from .models import Notification, NotificationAttachment


class AttachmentInline(admin.TabularInline):
    model = NotificationAttachment
    fields = ("name", "content_type", "size", "file")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_on", "sender", "subject", "category", "user", "oce_code", "emailed_on")
    list_filter = ("category", "sender")
    search_fields = ("subject", "user__username", "user__login_ruc", "oce_code__code")
    date_hierarchy = "created_on"
    list_select_related = ("user", "oce_code")
    raw_id_fields = ("user", "oce_code")
    inlines = [AttachmentInline]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "oce_code",
        "created_on",
        "last_used_on",
        "revoked_on",
    ]
    readonly_fields = ["prefix", "key_hash", "created_on", "last_used_on"]
    raw_id_fields = ["user", "oce_code"]

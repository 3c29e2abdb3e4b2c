from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken


class IssuedTokenAdmin(admin.ModelAdmin):
    """A system's token (``TokenBase``) issued by a management command, whose value shows once:
    listed and revoked here, never added or edited. ``owner`` names the field of whom it acts as
    and ``owner_path`` the user behind it, for the search."""

    owner = ""
    owner_path = ""
    owner_related: tuple[str, ...] = ()  # what the owner's ``__str__`` reads besides the user
    list_filter = ("revoked_on",)
    actions = ["revoke"]

    def get_list_display(self, request):
        return ("prefix", "name", self.owner, "created_on", "last_used_on", "revoked_on")

    def get_readonly_fields(self, request, obj=None):
        return (self.owner, "name", "prefix", "created_on", "last_used_on", "revoked_on")

    def get_search_fields(self, request):
        return ("prefix", "name", f"{self.owner_path}__username")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(self.owner_path, *self.owner_related)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revocar los tokens seleccionados"))
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_on__isnull=True))
        for token in tokens:
            token.revoke()
        self.message_user(
            request,
            ngettext("%(n)s token revocado.", "%(n)s tokens revocados.", len(tokens))
            % {"n": len(tokens)},
            messages.SUCCESS,
        )


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

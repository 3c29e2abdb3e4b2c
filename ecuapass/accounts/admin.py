"""Back office: operators, OCE registrations and codes, users, grants, broker clients.

Staff sign in through the portal's own login (RUC + ID Usuario) and its second factor: the
admin site (``admin_site.BackOfficeSite``) redirects there, so the lockout, session and OTP
rules apply to them too.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .lockout import unlock_user
from .models import BrokerClient, Grant, Lockout, OceCode, OceRegistration, Operator, User


class AuditedAdmin(SimpleHistoryAdmin):
    readonly_fields = ("created_on", "created_by", "modified_on", "modified_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)


class OceRegistrationInline(admin.TabularInline):
    model = OceRegistration
    fields = ("oce_type", "state")
    extra = 0
    show_change_link = True


class OceCodeInline(admin.TabularInline):
    model = OceCode
    fields = ("code", "description", "state")
    extra = 0


@admin.register(Operator)
class OperatorAdmin(AuditedAdmin):
    list_display = ("ruc", "legal_name", "kind", "state")
    list_filter = ("kind", "state")
    search_fields = ("ruc", "legal_name")
    inlines = [OceRegistrationInline]


@admin.register(OceRegistration)
class OceRegistrationAdmin(AuditedAdmin):
    list_display = ("operator", "oce_type", "state")
    list_filter = ("oce_type", "state")
    search_fields = ("operator__ruc", "operator__legal_name")
    list_select_related = ("operator", "oce_type")
    autocomplete_fields = ("operator",)
    inlines = [OceCodeInline]


@admin.register(OceCode)
class OceCodeAdmin(AuditedAdmin):
    list_display = ("code", "registration", "description", "state")
    list_filter = ("state", "registration__oce_type")
    search_fields = ("code", "registration__operator__ruc", "registration__operator__legal_name")
    list_select_related = ("registration__operator", "registration__oce_type")


class GrantInline(admin.TabularInline):
    model = Grant
    fk_name = "user"
    fields = ("oce_code", "all_options", "approved")
    extra = 0
    autocomplete_fields = ("oce_code",)
    show_change_link = True


class UserCreationForm(forms.ModelForm):
    password1 = forms.CharField(label=_("Contraseña"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Confirmación de contraseña"), widget=forms.PasswordInput, strip=False
    )

    class Meta:
        model = User
        fields = ("login_ruc", "username", "kind", "operator", "first_name", "last_name", "email")

    def clean_password2(self):
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("Las contraseñas no coinciden."))
        return p2

    def _post_clean(self):
        """The password rules run once the instance holds the form's data (RUC, ID Usuario,
        names, e-mail), so the similarity rule compares against this user's own data."""
        from django.contrib.auth import password_validation

        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password2", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User
        fields = (
            "login_ruc",
            "username",
            "password",
            "first_name",
            "last_name",
            "id_number",
            "email",
            "kind",
            "operator",
            "state",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("login_ruc", "username", "get_full_name", "kind", "state", "is_staff")
    list_filter = ("kind", "state", "is_staff", "is_active")
    search_fields = ("login_ruc", "username", "first_name", "last_name", "id_number", "email")
    ordering = ("login_ruc", "username")
    list_select_related = ("operator",)
    autocomplete_fields = ("operator",)
    inlines = [GrantInline]
    actions = ["unlock"]
    fieldsets = (
        (None, {"fields": ("login_ruc", "username", "password")}),
        (
            _("Datos personales"),
            {"fields": ("first_name", "last_name", "id_number", "email", "kind", "operator")},
        ),
        (_("Estado"), {"fields": ("state", "is_active", "last_login", "date_joined")}),
        (
            _("Back office"),
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "login_ruc",
                    "username",
                    "kind",
                    "operator",
                    "first_name",
                    "last_name",
                    "email",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    @admin.action(description=_("Desbloquear (enviar ALERTA DE DESBLOQUEO)"))
    def unlock(self, request, queryset):
        for user in queryset:
            unlock_user(user)
        self.message_user(request, _("Usuarios desbloqueados."), messages.SUCCESS)


@admin.register(Grant)
class GrantAdmin(AuditedAdmin):
    list_display = ("user", "oce_code", "all_options", "approved")
    list_filter = ("approved", "all_options")
    search_fields = ("user__login_ruc", "user__username", "oce_code__code")
    list_select_related = ("user", "oce_code")
    autocomplete_fields = ("user", "oce_code")


@admin.register(BrokerClient)
class BrokerClientAdmin(AuditedAdmin):
    list_display = ("broker", "client", "valid_from", "valid_to", "active")
    list_filter = ("active",)
    search_fields = ("broker__ruc", "broker__legal_name", "client__ruc", "client__legal_name")
    list_select_related = ("broker", "client")
    autocomplete_fields = ("broker", "client")


@admin.register(Lockout)
class LockoutAdmin(admin.ModelAdmin):
    list_display = ("user", "ip_address", "locked_on", "unlocks_on", "released_on")
    list_filter = ("released_on",)
    search_fields = ("user__login_ruc", "user__username")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

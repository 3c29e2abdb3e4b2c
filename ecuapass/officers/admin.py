"""Back office: officers' roles and distritos, SENAE systems' tokens (technical administration).

Every change is kept in the history (django-simple-history: who, when, what).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ecuapass.accounts.models import User
from ecuapass.api.admin import IssuedTokenAdmin

from .models import Officer, OfficerToken
from .roles import Role
from .services import forget


class OfficerForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roles que ejerce"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("El administrador actúa en todos los distritos."),
    )

    class Meta:
        model = Officer
        fields = ("user", "distritos", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(kind=User.Kind.FUNCIONARIO)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.roles)

    def clean(self):
        data = super().clean()
        roles = set(data.get("roles") or ())
        if data.get("distritos") is not None and not data["distritos"] and Role.ADMIN not in roles:
            self.add_error(
                "distritos", _("Asigne al menos un distrito (o el rol de administrador).")
            )
        return data


@admin.register(Officer)
class OfficerAdmin(SimpleHistoryAdmin):
    form = OfficerForm
    list_display = ("user", "roles_display", "distritos_display", "active")
    list_filter = ("active", "role_rows__role", "distritos")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    filter_horizontal = ("distritos",)
    readonly_fields = ("created_on", "created_by", "modified_on", "modified_by")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_rows", "distritos")

    @admin.display(description=_("roles que ejerce"))
    def roles_display(self, obj):
        return ", ".join(obj.role_labels())

    @admin.display(description=_("distritos"))
    def distritos_display(self, obj):
        return _("todos") if obj.acts_everywhere else ", ".join(sorted(obj.distrito_codes))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.set_roles(form.cleaned_data["roles"])
        forget(form.instance.user)


@admin.register(OfficerToken)
class OfficerTokenAdmin(IssuedTokenAdmin):
    """Issued with ``manage.py create_officer_token`` (the value shows once); revoked here."""

    owner = "officer"
    owner_path = "officer__user"

"""Forms of the public account screens and of 3.2.3 / 3.2.4."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ecuapass.accounts.forms import compact_id
from ecuapass.accounts.models import User

RESET_KINDS = [
    (User.Kind.USUARIO_GENERAL, _("Usuario general")),
    (User.Kind.REPRESENTANTE, _("Representante legal")),
    (User.Kind.EMPLEADO, _("Empleado")),
    (User.Kind.AUXILIAR, _("Auxiliar")),
    (User.Kind.ENTIDAD_PUBLICA, _("Representante de entidad pública")),
    (User.Kind.FUNCIONARIO, _("Funcionario público")),
    (User.Kind.ORGANISMO, _("Organismo internacional")),
]


def clean_login_ruc(value: str) -> str:
    value = compact_id(value)
    if not value.isdigit() or len(value) not in (10, 13):
        raise ValidationError(_("El RUC tiene 13 dígitos (o la cédula 10 dígitos)."), "format")
    return value


class ResetRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Clasificación de usuario"),
        choices=RESET_KINDS,
        error_messages={"required": _("Seleccione la Clasificación de usuario.")},
    )
    ruc = forms.CharField(
        label=_("RUC empresa"),
        max_length=20,
        help_text=_("El Usuario General ingresa su número de cédula."),
        error_messages={"required": _("Ingrese el RUC.")},
    )
    username = forms.CharField(
        label=_("ID Usuario"),
        max_length=40,
        error_messages={"required": _("Ingrese el ID Usuario.")},
    )

    def clean_ruc(self):
        return clean_login_ruc(self.cleaned_data["ruc"])

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Nueva contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Ingrese la nueva contraseña.")},
    )
    password2 = forms.CharField(
        label=_("Confirmar contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Confirme la nueva contraseña.")},
    )

    def clean_password2(self):
        one, two = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if one and two and one != two:
            raise ValidationError(_("Las contraseñas no coinciden."), "mismatch")
        if one:
            try:
                validate_password(one, self.password_user())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return two

    def password_user(self):
        return None


class ResetConfirmForm(NewPasswordMixin):
    ruc = forms.CharField(label=_("RUC empresa"), max_length=20)
    username = forms.CharField(label=_("ID Usuario"), max_length=40)
    code = forms.CharField(
        label=_("Código de seguridad"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Ingrese el código de seguridad.")},
    )

    field_order = ["ruc", "username", "code", "password1", "password2"]

    def clean_ruc(self):
        return clean_login_ruc(self.cleaned_data["ruc"])

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

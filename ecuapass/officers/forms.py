"""The OTP step's form: the code of the TOTP app."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Código de verificación"),
        max_length=8,
        help_text=_("Los 6 dígitos que muestra su aplicación de autenticación (TOTP)."),
        validators=[RegexValidator(r"^\d{6,8}$", _("El código de verificación tiene 6 dígitos."))],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": _("Ingrese el código de verificación.")},
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()

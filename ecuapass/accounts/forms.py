"""Forms of the three-step login."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import lockout

GENERIC_LOGIN_ERROR = _(
    "Los datos ingresados no son correctos. Verifique el RUC, el ID Usuario y la Contraseña."
)


def compact_id(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isalnum())


class LoginForm(forms.Form):
    """Page 1: RUC (or cédula for the Usuario General), ID Usuario, Contraseña."""

    ruc = forms.CharField(
        label=_("RUC"),
        max_length=20,
        help_text=_("El Usuario General puede ingresar su número de cédula."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
        error_messages={"required": _("Ingrese el RUC.")},
    )
    username = forms.CharField(
        label=_("ID Usuario"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        error_messages={"required": _("Ingrese el ID Usuario.")},
    )
    password = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Ingrese la Contraseña.")},
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean_ruc(self):
        value = compact_id(self.cleaned_data["ruc"])
        if not value.isdigit() or len(value) not in (10, 13):
            raise forms.ValidationError(
                _("El RUC tiene 13 dígitos (o la cédula 10 dígitos)."), code="format"
            )
        return value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        attempt = lockout.take_address_attempt(self.request)
        if not attempt.allowed:  # the same answer for any user: nothing is checked
            minutes = -(-attempt.retry_after // 60)
            raise forms.ValidationError(
                ngettext(
                    "Demasiados intentos fallidos de inicio de sesión desde su dirección de red."
                    " Intente nuevamente en %(minutes)s minuto.",
                    "Demasiados intentos fallidos de inicio de sesión desde su dirección de red."
                    " Intente nuevamente en %(minutes)s minutos.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        self.user = authenticate(
            self.request, ruc=data["ruc"], username=data["username"], password=data["password"]
        )
        if self.user is None:
            raise forms.ValidationError(GENERIC_LOGIN_ERROR, code="invalid_login")
        lockout.give_back_address_attempt(self.request)
        return data

    @property
    def throttled(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "throttled")


class OceTypeForm(forms.Form):
    """Page 2: Tipo de OCE, only the types the user holds."""

    oce_type = forms.ChoiceField(
        label=_("Tipo de OCE"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Seleccione el Tipo de OCE."),
            "invalid_choice": _("Seleccione un Tipo de OCE de la lista."),
        },
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oce_type"].choices = [
            (t.code, f"{t.code} - {t.localized_name}") for t in types
        ]


class OceCodeForm(forms.Form):
    """Page 3: código de OCE, only the codes granted under the chosen type."""

    oce_code = forms.ChoiceField(
        label=_("Código de OCE"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Seleccione el código de OCE."),
            "invalid_choice": _("Seleccione un código de OCE de la lista."),
        },
    )

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oce_code"].choices = [
            (c.code, f"{c.code}{' - ' + c.description if c.description else ''}") for c in codes
        ]

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


# --- NUEVO REGISTRO ------------------------------------------------------------------------
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
USERNAME_RE = r"^[a-zA-Z0-9._-]{3,40}$"
COMPANY_KINDS = {
    User.Kind.REPRESENTANTE,
    User.Kind.ENTIDAD_PUBLICA,
    User.Kind.ORGANISMO,
}


class RegistroForm(NewPasswordMixin):
    """The solicitud de uso of one kind of user; the fields shown depend on ``kind``."""

    ruc = forms.CharField(label=_("RUC"), max_length=20)
    legal_name = forms.CharField(label=_("Razón social"), max_length=300, required=False)
    address = forms.CharField(label=_("Dirección"), max_length=300, required=False)
    oce_types = forms.MultipleChoiceField(
        label=_("Tipos de OCE que solicita"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    oce_codes = forms.CharField(
        label=_("Códigos de OCE solicitados"),
        max_length=200,
        required=False,
        help_text=_("Los códigos de OCE de la empresa, separados por comas."),
    )
    documento = forms.FileField(
        label=_("Documentos de la empresa (PDF)"),
        required=False,
        help_text=_("Nombramiento del representante legal y RUC, en un PDF."),
    )
    first_name = forms.CharField(label=_("Nombres"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150)
    id_number = forms.CharField(label=_("Cédula o pasaporte"), max_length=20, required=False)
    email = forms.EmailField(label=_("Correo electrónico"))
    phone = forms.CharField(label=_("Teléfono"), max_length=40, required=False)
    username = forms.RegexField(
        label=_("ID Usuario"),
        regex=USERNAME_RE,
        max_length=40,
        error_messages={
            "invalid": _(
                "El ID Usuario tiene de 3 a 40 letras, dígitos, puntos, guiones o guiones bajos."
            )
        },
    )
    convenio = forms.BooleanField(
        label=_("Acepto el Convenio de uso de ECUAPASS"),
        required=False,
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        from ecuapass.core.models import OceType

        self.fields["oce_types"].choices = [
            (t.code, f"{t.code} - {t.localized_name}") for t in OceType.objects.order_by("code")
        ]
        if kind == User.Kind.USUARIO_GENERAL:
            self.fields["ruc"].label = _("Cédula")
        if kind == User.Kind.EMPLEADO:
            self.fields["ruc"].label = _("RUC de la empresa")
        keep = {
            "ruc",
            "first_name",
            "last_name",
            "id_number",
            "email",
            "phone",
            "username",
            "password1",
            "password2",
            "convenio",
        }
        if kind in COMPANY_KINDS:
            keep |= {"legal_name", "address", "documento"}
            self.fields["legal_name"].required = True
            self.fields["documento"].required = True
        if kind == User.Kind.REPRESENTANTE:
            keep.add("oce_types")
            self.fields["oce_types"].required = True
        if kind == User.Kind.EMPLEADO:
            keep.add("oce_codes")
            self.fields["oce_codes"].required = True
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.order_fields(
            [
                "ruc",
                "legal_name",
                "address",
                "oce_types",
                "oce_codes",
                "documento",
                "first_name",
                "last_name",
                "id_number",
                "email",
                "phone",
                "username",
                "password1",
                "password2",
                "convenio",
            ]
        )
        self.ruc_warnings: list[str] = []

    def clean_ruc(self):
        from ecuapass.core.identity import validate_cedula, validate_ruc

        value = self.cleaned_data["ruc"]
        check = (
            validate_cedula(value)
            if self.kind == User.Kind.USUARIO_GENERAL
            else validate_ruc(value)
        )
        self.ruc_warnings = check.warnings
        if self.kind == User.Kind.EMPLEADO:
            from ecuapass.accounts.models import Operator

            if not Operator.objects.filter(ruc=check.number, state=Operator.State.ACTIVE).exists():
                raise ValidationError(
                    _("El RUC de la empresa no está registrado en ECUAPASS."), "unknown"
                )
        self._operator_kind = {
            "ruc_natural": "natural",
            "ruc_publico": "publica",
            "ruc_sociedad": "sociedad",
        }.get(check.kind, "")
        return check.number

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def clean_oce_codes(self):
        raw = self.cleaned_data.get("oce_codes", "")
        items = [c for c in (x.strip() for x in raw.replace(";", ",").split(",")) if c]
        if any(not (c.isdigit() and len(c) == 8) for c in items):
            raise ValidationError(_("Cada código de OCE tiene 8 dígitos."), "format")
        return items

    def clean_documento(self):
        from django.template.defaultfilters import filesizeformat

        f = self.cleaned_data.get("documento")
        if not f:
            return f
        if f.size > DOCUMENT_MAX_BYTES:
            raise ValidationError(
                _("El archivo es demasiado grande (%(size)s): el máximo es %(max)s.")
                % {"size": filesizeformat(f.size), "max": filesizeformat(DOCUMENT_MAX_BYTES)},
                "size",
            )
        f.seek(0)
        if not f.name.lower().endswith(".pdf") or f.read(5) != b"%PDF-":
            raise ValidationError(_("Adjunte los documentos en un archivo PDF."), "type")
        f.seek(0)
        return f

    def clean(self):
        data = super().clean()
        if self.kind in COMPANY_KINDS | {User.Kind.EMPLEADO} and not data.get("convenio"):
            self.add_error("convenio", _("Debe aceptar el Convenio de uso."))
        ruc, username = data.get("ruc"), data.get("username")
        if ruc and username:
            from .services import availability

            if not availability(ruc, username):
                self.add_error("username", _("El ID Usuario no está disponible para este RUC."))
        if self.kind == User.Kind.EMPLEADO and ruc and data.get("oce_codes"):
            from ecuapass.accounts.models import OceCode

            held = set(
                OceCode.objects.filter(
                    code__in=data["oce_codes"], registration__operator__ruc=ruc
                ).values_list("code", flat=True)
            )
            missing = [c for c in data["oce_codes"] if c not in held]
            if missing:
                self.add_error(
                    "oce_codes",
                    _("Los códigos %(codes)s no pertenecen a la empresa.")
                    % {"codes": ", ".join(missing)},
                )
        data["operator_kind"] = getattr(self, "_operator_kind", "")
        data["kind"] = self.kind
        return data


class AvailabilityForm(forms.Form):
    ruc = forms.CharField(max_length=20)
    username = forms.CharField(max_length=40)

    def clean_ruc(self):
        return clean_login_ruc(self.cleaned_data["ruc"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Código de seguridad"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Ingrese el código de seguridad.")},
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), required=False, widget=forms.Textarea)


# --- 3.2.3 Modificar información de registro -----------------------------------------------
class ModificarForm(forms.Form):
    first_name = forms.CharField(label=_("Nombres"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150)
    id_number = forms.CharField(label=_("Cédula o pasaporte"), max_length=20, required=False)
    legal_name = forms.CharField(label=_("Razón social"), max_length=300)
    address = forms.CharField(label=_("Dirección"), max_length=300, required=False)
    company_email = forms.EmailField(label=_("Correo electrónico de la empresa"), required=False)
    phone = forms.CharField(label=_("Teléfono"), max_length=40, required=False)
    mantener_correo = forms.ChoiceField(
        label=_("¿Desea mantener el mismo correo electrónico?"),
        choices=[("si", _("SÍ")), ("no", _("NO"))],
        widget=forms.RadioSelect,
        initial="si",
    )
    new_email = forms.EmailField(label=_("Nuevo correo electrónico"), required=False)
    code = forms.CharField(
        label=_("Código de seguridad"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    convenio = forms.BooleanField(label=_("Acepto el Convenio de uso de ECUAPASS"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        from .modificar import edits_company

        if not edits_company(user):
            for name in ("legal_name", "address", "company_email", "phone"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("mantener_correo") == "no":
            if not data.get("new_email"):
                self.add_error("new_email", _("Ingrese el nuevo correo electrónico."))
            data["email"] = (data.get("new_email") or "").strip().lower()
        else:
            data["email"] = self.user.email
        return data

    def require_for_modify(self, email_changed: bool):
        """The last step: the Convenio again and, for a new e-mail, its code."""
        if not self.cleaned_data.get("convenio"):
            self.add_error("convenio", _("Debe aceptar el Convenio de uso."))
        if email_changed and not self.cleaned_data.get("code"):
            self.add_error("code", _("Ingrese el código de seguridad enviado al nuevo correo."))
        return not self.errors

"""The portal's forms of a VUE request: the permit type's fields (from its schema), the products
and the attachments. Their data become the API's payload (``payload()``) and go through the same
serializer as the API, so the portal and the API validate once."""

from __future__ import annotations

import base64
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ecuapass.customs.services import clean_subpartida

from . import schema
from .serializers import CODE, MAX_PRODUCTOS

EMPTY_ROWS = 3


class ProductoForm(forms.Form):
    subpartida = forms.CharField(label=_("Subpartida"), max_length=20, required=False)
    descripcion = forms.CharField(label=_("Descripción"), max_length=300, required=False)
    cantidad = forms.DecimalField(
        label=_("Cantidad"),
        max_digits=16,
        decimal_places=3,
        required=False,
        min_value=Decimal("0.001"),
    )
    unidad = forms.CharField(label=_("Unidad"), max_length=8, required=False)

    def clean_subpartida(self):
        """The subpartida's format (10 digits, dots allowed) is checked even in a draft."""
        value = self.cleaned_data.get("subpartida", "")
        if not value:
            return value
        try:
            return clean_subpartida(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) not in (None, "") for name in self.fields)


ProductoFormSet = forms.formset_factory(
    ProductoForm,
    extra=EMPTY_ROWS,
    max_num=MAX_PRODUCTOS,
    validate_max=True,
    absolute_max=MAX_PRODUCTOS,
)


class AdjuntosForm(forms.Form):
    """One file input per required attachment, plus one optional "otro"."""

    def __init__(self, *args, labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        for index, label in enumerate(labels):
            self.fields[f"adjunto_{index}"] = forms.FileField(label=label, required=False)
        self.fields["adjunto_otro"] = forms.FileField(label=_("Otro documento"), required=False)
        self.labels = list(labels)

    def items(self) -> list[dict]:
        result = []
        for name, field in self.fields.items():
            upload = self.files.get(self.add_prefix(name))
            if upload:
                upload.seek(0)
                result.append(
                    {
                        "etiqueta": str(field.label),
                        "nombre": upload.name,
                        "contenido": base64.b64encode(upload.read()).decode(),
                    }
                )
        return result


class SolicitudForms:
    """The three forms of one request page, bound together."""

    def __init__(self, tipo, data=None, files=None, *, initial=None, productos=None):
        self.tipo = tipo
        initial = initial or {}
        self.datos = schema.form_class(tipo.campos)(data, prefix="datos", initial=initial)
        self.productos = ProductoFormSet(data, prefix="productos", initial=productos)
        self.adjuntos = AdjuntosForm(data, files, prefix="adj", labels=tipo.adjuntos_requeridos)
        self.nota = (data or {}).get("nota", "")

    @classmethod
    def of(cls, solicitud) -> SolicitudForms:
        """The unbound forms of a stored request (a draft, or one returned for subsanación)."""
        productos = [
            {
                "subpartida": p.subpartida,
                "descripcion": p.descripcion,
                "cantidad": p.cantidad,
                "unidad": p.unidad,
            }
            for p in solicitud.productos.all()
        ]
        return cls(solicitud.tipo, initial=solicitud.datos, productos=productos)

    def shapes_ok(self) -> bool:
        """Types and formats only (a draft may be incomplete)."""
        ok = self.productos.is_valid()
        self.adjuntos.is_valid()
        return ok

    def rows(self) -> list[dict]:
        return [
            {k: f.cleaned_data.get(k) for k in ("subpartida", "descripcion", "cantidad", "unidad")}
            for f in self.productos.forms
            if hasattr(f, "cleaned_data") and not f.is_blank()
        ]

    def raw_datos(self) -> dict:
        return {
            name: self.datos.data.get(self.datos.add_prefix(name), "")
            for name in self.datos.fields
            if self.datos.data.get(self.datos.add_prefix(name), "") != ""
        }

    def payload(self) -> dict:
        return {
            "tipo_documento": CODE,
            "tipo": self.tipo.code,
            "datos": self.raw_datos(),
            "productos": [
                {**row, "cantidad": str(row["cantidad"]) if row["cantidad"] is not None else ""}
                for row in self.rows()
            ],
            "adjuntos": self.adjuntos.items(),
            "nota": self.nota,
        }

    def add_errors(self, errors: dict) -> list[str]:
        """Put the serializer's errors on their fields; returns the messages for the page's top."""
        top = []
        for name, messages in (errors.get("datos") or {}).items():
            if name in self.datos.fields:
                for m in messages:
                    self.datos.add_error(name, str(m))
                    top.append(f"{self.datos.fields[name].label}: {m}")
        productos = errors.get("productos")
        if isinstance(productos, list):
            kept = [
                f for f in self.productos.forms if hasattr(f, "cleaned_data") and not f.is_blank()
            ]
            for form, row_errors in zip(kept, productos, strict=False):
                for field, messages in (row_errors or {}).items():
                    for m in messages:
                        if field in form.fields:
                            form.add_error(field, str(m))
                        top.append(f"{_('Producto')} {kept.index(form) + 1}, {field}: {m}")
        elif productos:
            top.extend(f"{_('Productos')}: {m}" for m in productos)
        for key in ("tipo", "adjuntos", "non_field_errors", "tipo_documento"):
            for m in errors.get(key) or []:
                top.append(str(m) if not isinstance(m, dict) else str(next(iter(m.values()))))
        return top


class DecisionForm(forms.Form):
    accion = forms.ChoiceField(
        label=_("Acción"),
        choices=[
            ("devolver", _("Devolver para subsanación")),
            ("emitir", _("Aprobar y emitir")),
            ("aprobar", _("Aprobar y enviar al director")),
            ("autorizar", _("Autorizar y emitir")),
            ("negar", _("Negar")),
        ],
    )
    nota = forms.CharField(
        label=_("Observaciones / condiciones"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("accion") in ("devolver", "negar") and not (data.get("nota") or "").strip():
            self.add_error("nota", _("Escriba las observaciones o el motivo."))
        return data


class ReasignarForm(forms.Form):
    funcionario = forms.ModelChoiceField(label=_("Técnico"), queryset=None)

    def __init__(self, *args, entidad=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Funcionario, Rol

        self.fields["funcionario"].queryset = (
            Funcionario.objects.active()
            .filter(entidad=entidad, rol=Rol.TECNICO)
            .select_related("user")
        )


class VerificarForm(forms.Form):
    numero = forms.CharField(label=_("Número del documento"), max_length=40)
    codigo = forms.CharField(label=_("Código de verificación"), max_length=32)

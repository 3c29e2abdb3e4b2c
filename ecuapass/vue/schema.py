"""A permit type's form from its schema (``TipoDocumento.campos``): one definition for the portal's
form and the API's validation, so a new permit type needs no code.

A field: ``{"nombre": "lugar_destino", "etiqueta": "Lugar de destino", "tipo": "texto",
"obligatorio": true, "opciones": [...], "max": 200}``; ``tipo`` is texto, numero, fecha or opcion.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIPOS = ("texto", "numero", "fecha", "opcion")


def check_schema(campos) -> None:
    """An administrator's schema is well formed (``ValidationError`` naming the problem)."""
    if not isinstance(campos, list):
        raise ValidationError(_("Los campos deben ser una lista."))
    seen = set()
    for index, campo in enumerate(campos, start=1):
        if not isinstance(campo, dict) or not str(campo.get("nombre", "")).isidentifier():
            raise ValidationError(_("Campo %(n)s: falta un nombre válido.") % {"n": index})
        if campo["nombre"] in seen:
            raise ValidationError(_("Campo %(n)s: nombre repetido.") % {"n": index})
        seen.add(campo["nombre"])
        if campo.get("tipo", "texto") not in TIPOS:
            raise ValidationError(_("Campo %(n)s: tipo desconocido.") % {"n": index})
        if campo.get("tipo") == "opcion" and not campo.get("opciones"):
            raise ValidationError(
                _("Campo %(n)s: una opción necesita sus opciones.") % {"n": index}
            )


def _field(campo: dict) -> forms.Field:
    common = {
        "label": campo.get("etiqueta") or campo["nombre"],
        "required": bool(campo.get("obligatorio")),
    }
    kind = campo.get("tipo", "texto")
    if kind == "numero":
        return forms.DecimalField(max_digits=16, decimal_places=3, **common)
    if kind == "fecha":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "opcion":
        choices = [("", "---------")] + [(str(o), str(o)) for o in campo.get("opciones", [])]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=int(campo.get("max") or 300), **common)


def form_class(campos) -> type[forms.Form]:
    """The Django form of a schema (its fields in the schema's order)."""
    fields = {campo["nombre"]: _field(campo) for campo in campos}
    return type("DatosForm", (forms.Form,), fields)


def clean(campos, datos: dict | None) -> tuple[dict, dict[str, list[str]]]:
    """(the values as JSON, errors per field) of ``datos`` against ``campos``."""
    form = form_class(campos)(data=datos or {})
    if not form.is_valid():
        return {}, {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    values = {}
    for name, value in form.cleaned_data.items():
        if value is None or value == "":
            continue
        values[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return values, {}

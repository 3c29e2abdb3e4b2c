"""Filters of 1.3 (the API uses the same names as query parameters)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry
from .selectors import EstadoFilter
from .states import filter_choices

PERIOD_CHOICES = [
    ("todos", _("Todos")),
    ("hoy", _("Hoy")),
    ("semana", _("Última semana")),
    ("mes", _("Último mes")),
    ("rango", _("Desde/hasta")),
]


class EstadosForm(forms.Form):
    operacion = forms.ChoiceField(label=_("Tipo de Operación"), required=False)
    tipo_documento = forms.ChoiceField(label=_("Título de documento"), required=False)
    numero_entrega = forms.RegexField(
        label=_("Número de entrega"),
        regex=r"^\s*\d{20}[PSps]\s*$",
        required=False,
        max_length=30,
        error_messages={
            "invalid": _(
                "El número de entrega tiene 8 + 4 + 8 dígitos y la letra del canal (P o S)."
            )
        },
    )
    estado = forms.ChoiceField(label=_("Estado"), required=False)
    periodo = forms.ChoiceField(
        label=_("Periodo"), choices=PERIOD_CHOICES, required=False, initial="todos"
    )
    desde = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hasta = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Búsqueda en resultados"), required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operacion"].choices = [("", _("Todos")), *registry.operations_in_use()]
        self.fields["tipo_documento"].choices = [("", _("Todos")), *registry.choices()]
        self.fields["estado"].choices = [("", _("Todos")), *filter_choices()]

    def clean(self):
        data = super().clean()
        desde, hasta = data.get("desde"), data.get("hasta")
        if desde and hasta and desde > hasta:
            self.add_error("hasta", _("La fecha hasta es anterior a la fecha desde."))
        return data

    def to_filter(self) -> EstadoFilter:
        d = self.cleaned_data if self.is_valid() else {}
        return EstadoFilter(
            operacion=d.get("operacion") or "",
            tipo_documento=d.get("tipo_documento") or "",
            numero_entrega=(d.get("numero_entrega") or "").strip().upper(),
            estado=d.get("estado") or "",
            periodo=d.get("periodo") or "todos",
            desde=d.get("desde"),
            hasta=d.get("hasta"),
            q=d.get("q") or "",
        )

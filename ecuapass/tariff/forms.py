"""Forms of the public tariff screens (2.1.1 Consulta de arancel, Cálculo de tributos)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import CommodityCode

ITEM_ROWS = 5


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Subpartida o descripción"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("p. ej. 0901.21 o café"), "autocomplete": "off"}
        ),
    )


class DateForm(forms.Form):
    fecha = forms.DateField(
        label=_("Medidas vigentes el"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def on(self):
        if self.is_valid() and self.cleaned_data.get("fecha"):
            return self.cleaned_data["fecha"]
        return timezone.localdate()


class CalculationForm(forms.Form):
    fecha = forms.DateField(
        label=_("Fecha del cálculo"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": _("Ingrese la fecha del cálculo.")},
    )


class ItemForm(forms.Form):
    subpartida = forms.CharField(
        label=_("Subpartida"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "0901.21.10.00", "size": 14}),
    )
    fob = forms.DecimalField(
        label=_("FOB (USD)"), min_value=Decimal("0"), max_digits=16, decimal_places=2
    )
    flete = forms.DecimalField(
        label=_("Flete (USD)"), min_value=Decimal("0"), max_digits=16, decimal_places=2
    )
    seguro = forms.DecimalField(
        label=_("Seguro (USD)"),
        min_value=Decimal("0"),
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=_("Vacío: seguro presuntivo."),
    )
    cantidad = forms.DecimalField(
        label=_("Cantidad"),
        min_value=Decimal("0"),
        max_digits=16,
        decimal_places=4,
        required=False,
        help_text=_("En la unidad del derecho específico."),
    )
    tarifa_ad_valorem = forms.DecimalField(
        label=_("Ad valorem % (simulación)"),
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        max_digits=9,
        decimal_places=4,
        required=False,
    )
    tarifa_ice = forms.DecimalField(
        label=_("ICE % (simulación)"),
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        max_digits=9,
        decimal_places=4,
        required=False,
    )

    def clean_subpartida(self):
        text = (self.cleaned_data.get("subpartida") or "").strip()
        if not text:
            return ""
        code = CommodityCode.try_parse(text)
        if code is None or not code.is_line:
            raise forms.ValidationError(
                _("Ingrese una subpartida nacional de 10 dígitos (p. ej. 0901.21.10.00).")
            )
        return code.dotted

    def clean(self):
        data = super().clean()
        if not data.get("subpartida") and data.get("tarifa_ad_valorem") is None:
            if "subpartida" not in self.errors:
                self.add_error(
                    "subpartida",
                    _("Ingrese la subpartida, o la tarifa ad valorem para una simulación."),
                )
        return data


class BaseItemFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(f.has_changed() for f in self.forms):
            raise forms.ValidationError(_("Ingrese al menos un ítem."))


ItemFormSet = forms.formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=ITEM_ROWS,
    max_num=50,
    validate_max=True,
    absolute_max=50,  # a forged TOTAL_FORMS never builds more forms than the screen allows
)

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class FacilidadForm(forms.Form):
    obligaciones = forms.MultipleChoiceField(
        label=_("Obligaciones"), widget=forms.CheckboxSelectMultiple
    )
    cuota_inicial = forms.DecimalField(
        label=_("Cuota inicial (USD)"), max_digits=16, decimal_places=2, min_value=Decimal("0")
    )
    dividendos = forms.IntegerField(label=_("Dividendos mensuales"), min_value=1, max_value=120)
    garante = forms.CharField(
        label=_("Garante (banco o aseguradora)"), max_length=200, required=False
    )
    garantia_numero = forms.CharField(
        label=_("Número de la garantía"), max_length=40, required=False
    )
    garantia_monto = forms.DecimalField(
        label=_("Monto de la garantía (USD)"), max_digits=16, decimal_places=2, required=False
    )
    garantia_hasta = forms.DateField(label=_("Garantía vigente hasta"), required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obligaciones"].choices = choices

    def payload(self) -> dict:
        data = self.cleaned_data
        payload = {
            "obligaciones": list(data["obligaciones"]),
            "cuota_inicial": str(data["cuota_inicial"]),
            "dividendos": data["dividendos"],
        }
        if data.get("garantia_numero"):
            payload["garantia"] = {
                "garante": data.get("garante") or "",
                "numero": data["garantia_numero"],
                "monto": str(data.get("garantia_monto") or "0"),
                "vigente_hasta": data["garantia_hasta"].isoformat()
                if data.get("garantia_hasta")
                else None,
            }
        return payload


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"), choices=(("aprobar", _("Aprobar")), ("denegar", _("Denegar")))
    )
    motivo = forms.CharField(
        label=_("Motivo"), widget=forms.Textarea, max_length=2000, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "denegar" and not (data.get("motivo") or "").strip():
            self.add_error("motivo", _("Indique el motivo de la denegación."))
        return data


def _distrito_choices():
    from ecuapass.core.models import CustomsDistrict

    return [(d.code, f"{d.code} - {d.name}") for d in CustomsDistrict.objects.filter(active=True)]


class GarantiaForm(forms.Form):
    tipo = forms.ChoiceField(
        label=_("Tipo de garantía"),
        choices=(("general", _("General")), ("especifica", _("Específica"))),
    )
    declaracion = forms.CharField(
        label=_("Declaración (garantía específica)"), max_length=30, required=False
    )
    garante = forms.CharField(label=_("Garante (banco o aseguradora)"), max_length=200)
    numero = forms.CharField(label=_("Número de la garantía"), max_length=40)
    monto = forms.DecimalField(label=_("Monto (USD)"), max_digits=16, decimal_places=2)
    vigente_desde = forms.DateField(label=_("Vigente desde"))
    vigente_hasta = forms.DateField(label=_("Vigente hasta"))
    distritos = forms.MultipleChoiceField(
        label=_("Distritos aduaneros que cubre (garantía general)"),
        choices=_distrito_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

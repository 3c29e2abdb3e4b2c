from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsultaForm(forms.Form):
    numero = forms.CharField(label=_("Número de liquidación"), max_length=30)


class PagoForm(forms.Form):
    numero = forms.CharField(label=_("Número de liquidación"), max_length=30)
    monto = forms.DecimalField(label=_("Monto recibido (USD)"), max_digits=16, decimal_places=2)
    referencia = forms.CharField(label=_("Referencia del banco"), max_length=60)
    clave = forms.CharField(widget=forms.HiddenInput, max_length=80)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nombre del sistema"), max_length=80)

"""The analysts' forms. Conditions are checked once, in ``RiskProfile.clean`` (forms and admin)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RiskProfile
from .services import EDITABLE_FIELDS, SIMULATION_MAX

ANY = [("", _("— cualquiera —"))]


def country_choices():
    from ecuapass.core.models import Country

    return ANY + [(c.code, f"{c.code} - {c.name}") for c in Country.objects.active()]


def regime_choices():
    from ecuapass.core.models import CustomsRegime

    return ANY + [(r.code, f"{r.code} - {r.name}") for r in CustomsRegime.objects.active()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RiskProfileForm(forms.ModelForm):
    class Meta:
        model = RiskProfile
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "valid_from": DateInput(),
            "valid_to": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pais_origen"] = forms.ChoiceField(
            label=RiskProfile._meta.get_field("pais_origen").verbose_name,
            choices=country_choices,
            required=False,
        )
        self.fields["regimen"] = forms.ChoiceField(
            label=RiskProfile._meta.get_field("regimen").verbose_name,
            choices=regime_choices,
            required=False,
        )

    def validate_unique(self):
        """Code and version are the service's (a new version is numbered when saved)."""


class DeactivateForm(forms.Form):
    note = forms.CharField(
        label=_("Motivo de la desactivación"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indique el motivo de la desactivación.")},
    )


class SimulateForm(forms.Form):
    n = forms.IntegerField(
        label=_("Últimas DAI aceptadas"),
        min_value=1,
        max_value=SIMULATION_MAX,
        initial=200,
        error_messages={
            "invalid": _("Últimas DAI aceptadas: indique un número entero."),
            "min_value": _("Últimas DAI aceptadas: al menos 1."),
            "max_value": _("Últimas DAI aceptadas: como máximo %(limit_value)s."),
        },
    )

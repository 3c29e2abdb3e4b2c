"""The portal's forms: the DAI's own header form and items grid (customs.forms), the reasons, the
attachments; the officer's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecuapass.customs.forms import SECTIONS, DaiForm
from ecuapass.despacho import files
from ecuapass.despacho.errors import DespachoError

from .models import Causal

# The header fields a request may not change (the número keeps distrito and régimen; the
# importer is who the declaration is for).
FIXED = ("distrito", "regimen", "importador_ruc")


class CabeceraForm(DaiForm):
    """The DAI editor's header form, without the fields a request may not change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FIXED:
            del self.fields[name]

    def section(self, name):
        return [self[f] for f in SECTIONS[name] if f in self.fields]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AdjuntosField(forms.FileField):
    """Several files at once; each checked from its bytes (PDF, JPEG or PNG) as the despacho's."""

    widget = MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        for uploaded in uploads:
            try:
                files.check(uploaded)
            except DespachoError as exc:
                raise forms.ValidationError(
                    f"{files.clean_name(uploaded.name)}: {exc.message}"
                ) from None
            cleaned.append(uploaded)
        if len(cleaned) > 5:
            raise forms.ValidationError(_("Adjunte como máximo 5 archivos."))
        return cleaned


class SolicitudForm(forms.Form):
    motivo = forms.CharField(
        label=_("Motivos de la solicitud"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    adjuntos = AdjuntosField(label=_("Documentos de respaldo (PDF, JPEG o PNG)"), required=False)


class AnulacionForm(SolicitudForm):
    causal = forms.ChoiceField(label=_("Causal"), choices=Causal.choices)
    field_order = ["causal", "motivo", "adjuntos"]


class ElegirDaiForm(forms.Form):
    dai = forms.CharField(
        label=_("Número de documento o de entrega de la DAI"),
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "028-2026-10-00000001"}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"), choices=[("aprobar", _("Aprobar")), ("denegar", _("Denegar"))]
    )
    nota = forms.CharField(
        label=_("Nota (obligatoria para denegar)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

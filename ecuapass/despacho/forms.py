"""Forms of the officers' actions and of the operator's answers.

Their field names are the ``field`` of ``DespachoError`` (one name per input everywhere:
portal, API and the services' messages).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import corrections
from .models import Inspection, Resultado, TarifaMulta, TipoDocumentoSoporte


class RequestDocumentsForm(forms.Form):
    documentos = forms.ModelMultipleChoiceField(
        label=_("Documentos de soporte"),
        queryset=TipoDocumentoSoporte.objects.active(),
        widget=forms.CheckboxSelectMultiple,
    )
    indicaciones = forms.CharField(
        label=_("Indicaciones"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InspectionForm(forms.Form):
    fecha = forms.DateTimeField(
        label=_("Fecha y hora"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    lugar = forms.CharField(label=_("Lugar"), max_length=300)
    deposito = forms.ModelChoiceField(label=_("Depósito temporal"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ecuapass.accounts.models import OceCode
        from ecuapass.core.models import Capability, OceType

        self.fields["deposito"].queryset = (
            OceCode.objects.filter(
                registration__oce_type__in=OceType.objects.with_capability(Capability.DEPOSITO),
                state=OceCode.State.ACTIVE,
            )
            .select_related("registration__operator")
            .order_by("code")
        )
        self.fields["deposito"].label_from_instance = lambda oce: (
            f"{oce.code} - {oce.registration.operator.legal_name}"
        )


class InspectionResultForm(forms.Form):
    inspeccion = forms.IntegerField(widget=forms.HiddenInput)
    resultado = forms.ChoiceField(label=_("Resultado"), choices=Inspection.Outcome.choices)
    hallazgos = forms.CharField(
        label=_("Hallazgos"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ObservationForm(forms.Form):
    observacion = forms.CharField(
        label=_("Observación"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CorrectionForm(forms.Form):
    campo = forms.ChoiceField(label=_("Campo"), choices=())
    item = forms.IntegerField(label=_("Ítem"), required=False, min_value=1, max_value=9999)
    valor = forms.CharField(label=_("Valor corregido"), max_length=100)
    motivo = forms.CharField(
        label=_("Motivo"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campo"].choices = corrections.field_choices()


class WithdrawForm(forms.Form):
    correccion = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(forms.Form):
    resultado = forms.ChoiceField(label=_("Resultado del aforo"), choices=Resultado.choices)
    informe = forms.CharField(
        label=_("Informe de cierre"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    multas = forms.MultipleChoiceField(
        label=_("Multas (infracciones)"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    motivacion_multa = forms.CharField(
        label=_("Motivación de la multa"), required=False, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["multas"].choices = [
            (t.code, f"{t.code} - {t.localized_name}: USD {t.amount} ({t.legal_basis})")
            for t in TarifaMulta.objects.in_force(today).order_by("code", "-valid_from")
        ]


class ReassignForm(forms.Form):
    tecnico = forms.ModelChoiceField(label=_("Técnico aforador"), queryset=None)
    nota = forms.CharField(label=_("Motivo"), required=False, max_length=500)

    def __init__(self, *args, distrito: str, **kwargs):
        super().__init__(*args, **kwargs)
        from ecuapass.officers.roles import Role
        from ecuapass.officers.services import officers_for

        self.fields["tecnico"].queryset = officers_for(distrito, Role.TECNICO)
        self.fields["tecnico"].label_from_instance = lambda o: (
            f"{o.user.get_full_name()} ({o.user.username})"
        )


# --- the operator ---------------------------------------------------------------------------
class UploadForm(forms.Form):
    archivo = forms.FileField(label=_("Archivo digitalizado (PDF, JPEG o PNG)"), required=False)


class AnswerForm(forms.Form):
    respuesta = forms.CharField(
        label=_("Respuesta"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    archivo = forms.FileField(label=_("Adjunto (opcional: PDF, JPEG o PNG)"), required=False)


class CorrectionResponseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[
            ("aceptar", _("Aceptar la corrección")),
            ("impugnar", _("Impugnar la corrección")),
        ],
    )
    motivo = forms.CharField(
        label=_("Motivos (obligatorios para impugnar)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BandejaForm(forms.Form):
    vista = forms.ChoiceField(
        label=_("Trámites"),
        required=False,
        choices=[
            ("mios", _("Asignados a mí")),
            ("distrito", _("De mis distritos")),
            ("sin_asignar", _("Sin asignar")),
        ],
    )
    estado = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[
            ("abiertos", _("Abiertos")),
            ("vencidos", _("Vencidos")),
            ("cerrados", _("Cerrados")),
            ("todos", _("Todos")),
        ],
    )
    canal = forms.ChoiceField(label=_("Canal"), required=False, choices=())
    distrito = forms.CharField(label=_("Distrito"), required=False, max_length=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ecuapass.edocs.states import CanalAforo

        self.fields["canal"].choices = [("", _("Todos"))] + [
            (c.value, c.label) for c in CanalAforo if c != CanalAforo.AUTOMATICO
        ]

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InboxFilterForm(forms.Form):
    """Consultar: fecha desde/hasta, estado, remitente, texto del asunto."""

    desde = forms.DateField(
        label=_("Fecha desde"),
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": _("Fecha desde: ingrese una fecha válida (dd/mm/aaaa).")},
    )
    hasta = forms.DateField(
        label=_("Fecha hasta"),
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": _("Fecha hasta: ingrese una fecha válida (dd/mm/aaaa).")},
    )
    estado = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[("", _("Todos")), ("no_leido", _("No leído")), ("leido", _("Leído"))],
        error_messages={"invalid_choice": _("Estado: seleccione un valor de la lista.")},
    )
    remitente = forms.CharField(label=_("Remitente"), required=False, max_length=120)
    asunto = forms.CharField(label=_("Asunto contiene"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        desde, hasta = data.get("desde"), data.get("hasta")
        if desde and hasta and desde > hasta:
            self.add_error("hasta", _("Fecha hasta no puede ser anterior a la fecha desde."))
        return data

"""Portal forms of the export trámite: the DAE editor (header + items grid), the depósito's
informes, the manifest and the regularización."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from ecuapass.accounts.models import BrokerClient, OceCode
from ecuapass.core.models import (
    Capability,
    Country,
    Currency,
    CustomsDistrict,
    CustomsRegime,
    Incoterm,
    OceType,
    UnitOfMeasure,
)
from ecuapass.customs.services import clean_subpartida, dotted_subpartida

from . import conf
from .models import Dae, DaeItem, DocumentoEmbarque, ManifiestoExportacion
from .services import DAE_ITEM_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def catalog_choices(model, **filters):
    from ecuapass.customs.forms import catalog_choices as dai_catalog_choices

    return dai_catalog_choices(model, **filters)


def exporter_choices(oce) -> list[tuple[str, str]]:
    """The filer's own operator (a titular) or the clients of a broker, in force today."""
    operator = oce.registration.operator
    if oce.registration.oce_type.has(Capability.TITULAR):
        return [(operator.ruc, f"{operator.ruc} - {operator.legal_name}")]
    clients = (
        BrokerClient.objects.in_force()
        .filter(broker=operator)
        .select_related("client")
        .order_by("client__legal_name")
    )
    return [("", "---------")] + [
        (c.client.ruc, f"{c.client.ruc} - {c.client.legal_name}") for c in clients
    ]


def deposito_choices() -> list[tuple[str, str]]:
    types = OceType.objects.with_capability(Capability.DEPOSITO)
    codes = (
        OceCode.objects.filter(
            state=OceCode.State.ACTIVE,
            registration__oce_type__in=types,
            registration__state="activo",
        )
        .select_related("registration__operator")
        .order_by("code")
    )
    return [("", "---------")] + [
        (c.code, f"{c.code} - {c.registration.operator.legal_name}") for c in codes
    ]


class DaeForm(forms.ModelForm):
    exportador_ruc = forms.ChoiceField(label=_("Exportador"))
    deposito_codigo = forms.ChoiceField(label=_("Depósito temporal / zona primaria"))

    class Meta:
        model = Dae
        fields = [
            "distrito",
            "regimen",
            "exportador_ruc",
            "pais_destino",
            "puerto_embarque",
            "via_transporte",
            "deposito_codigo",
            "fecha_embarque_estimada",
            "factura_numero",
            "factura_fecha",
            "incoterm",
            "moneda",
            "tipo_cambio",
            "bultos",
        ]
        widgets = {"fecha_embarque_estimada": DATE, "factura_fecha": DATE}

    def __init__(self, *args, oce, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distrito"] = forms.ChoiceField(
            label=_("Distrito aduanero"), choices=catalog_choices(CustomsDistrict)
        )
        self.fields["regimen"] = forms.ChoiceField(
            label=_("Régimen aduanero"),
            choices=catalog_choices(
                CustomsRegime, flow=CustomsRegime.Flow.EXPORT, code__in=conf.regimenes()
            ),
        )
        self.fields["pais_destino"] = forms.ChoiceField(
            label=_("País de destino"), choices=catalog_choices(Country)
        )
        self.fields["incoterm"] = forms.ChoiceField(
            label=_("Incoterm"), choices=catalog_choices(Incoterm)
        )
        self.fields["moneda"] = forms.ChoiceField(
            label=_("Moneda"), choices=catalog_choices(Currency)
        )
        self.fields["exportador_ruc"].choices = exporter_choices(oce)
        self.fields["deposito_codigo"].choices = deposito_choices()
        self.fields["bultos"] = forms.IntegerField(
            label=_("Número de bultos"), min_value=1, max_value=9_999_999
        )

    def header(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DaeItemForm(forms.ModelForm):
    """One row of the items grid: the DAE item's model shape (lengths, digits, bounds)."""

    class Meta:
        model = DaeItem
        fields = [*DAE_ITEM_FIELDS, "documento_control_tipo", "documento_control_numero"]

    def __init__(self, *args, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_choices if unit_choices is not None else catalog_choices(UnitOfMeasure)
        for name in ("unidad_fisica", "unidad_comercial"):
            self.fields[name] = forms.ChoiceField(label=self.fields[name].label, choices=units)
        self.fields["pais_origen"].initial = "EC"
        self.fields["pais_origen"].required = False

    def clean_subpartida(self):
        return clean_subpartida(self.cleaned_data.get("subpartida"))

    def clean_pais_origen(self):
        return (self.cleaned_data.get("pais_origen") or "EC").upper()

    def item(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class BaseItemFormSet(BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_units"):
            self._units = catalog_choices(UnitOfMeasure)
        kwargs["unit_choices"] = self._units
        return kwargs

    def kept_forms(self):
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]

    def items(self) -> list[dict]:
        return [f.item() for f in self.kept_forms()]

    def clean(self):
        if any(self.errors):
            return
        if not self.kept_forms():
            raise ValidationError(_("Declare al menos un ítem."))


ItemFormSet = formset_factory(
    DaeItemForm, formset=BaseItemFormSet, extra=1, max_num=999, absolute_max=999, can_delete=True
)


def item_initial(dae) -> list[dict]:
    if dae is None:
        return []
    return [
        {
            **{name: getattr(i, name) for name in DaeItemForm.Meta.fields},
            "subpartida": dotted_subpartida(i.subpartida),
        }
        for i in dae.items.order_by("numero")
    ]


class InformeForm(forms.Form):
    bultos = forms.IntegerField(label=_("Bultos"), min_value=0, max_value=9_999_999)
    peso_bruto = forms.DecimalField(
        label=_("Peso bruto (kg)"), min_value=0, max_digits=16, decimal_places=3
    )
    contenedores = forms.CharField(
        label=_("Contenedores y sellos"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Uno por línea: contenedor y sello (p. ej. MSKU1234565 / SELLO 00123)."),
    )
    fecha_hora = forms.DateTimeField(label=_("Fecha y hora"), widget=DATETIME)
    observacion = forms.CharField(
        label=_("Observación"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RegularizacionForm(forms.Form):
    documento_transporte = forms.CharField(
        label=_("Documento de transporte (B/L, AWB)"), max_length=40
    )
    total_fob_final = forms.DecimalField(
        label=_("Valor FOB final (USD)"), min_value=Decimal("0.01"), max_digits=16, decimal_places=2
    )
    peso_neto_final = forms.DecimalField(
        label=_("Peso neto final (kg)"), min_value=0, max_digits=16, decimal_places=3
    )
    observacion = forms.CharField(
        label=_("Observación"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ManifiestoForm(forms.ModelForm):
    class Meta:
        model = ManifiestoExportacion
        fields = [
            "distrito",
            "via_transporte",
            "transportista_ruc",
            "transportista_nombre",
            "nave_vuelo",
            "viaje",
            "puerto_embarque",
            "fecha_salida",
        ]
        widgets = {"fecha_salida": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distrito"] = forms.ChoiceField(
            label=_("Distrito aduanero"), choices=catalog_choices(CustomsDistrict)
        )


class DocumentoEmbarqueForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo"), choices=DocumentoEmbarque.Tipo.choices)
    documento = forms.CharField(label=_("Documento de transporte"), max_length=40)
    dae = forms.CharField(label=_("Número de DAE"), max_length=30)
    bultos = forms.IntegerField(label=_("Bultos"), min_value=1, max_value=9_999_999)
    peso_bruto = forms.DecimalField(
        label=_("Peso bruto (kg)"), min_value=Decimal("0.001"), max_digits=16, decimal_places=3
    )


class BaseDocumentoFormSet(BaseFormSet):
    def kept_forms(self):
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]

    def clean(self):
        if any(self.errors):
            return
        if not self.kept_forms():
            raise ValidationError(_("Declare al menos un documento de transporte."))


DocumentoFormSet = formset_factory(
    DocumentoEmbarqueForm,
    formset=BaseDocumentoFormSet,
    extra=1,
    max_num=999,
    absolute_max=999,
    can_delete=True,
)


class AnulacionForm(forms.Form):
    dae = forms.CharField(label=_("Número de DAE"), max_length=30)
    motivo = forms.CharField(
        label=_("Motivo"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

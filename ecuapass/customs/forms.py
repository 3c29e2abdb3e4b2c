"""The DAI editor (1.1): header form in sections and the items formset."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecuapass.accounts.models import BrokerClient
from ecuapass.core.models import (
    Capability,
    Country,
    Currency,
    CustomsDistrict,
    CustomsRegime,
    Incoterm,
    UnitOfMeasure,
)

from .models import Dai, DaiItem
from .services import ITEM_FIELDS, clean_subpartida, dotted_subpartida


def catalog_choices(model, **filters):
    return [("", "---------")] + [
        (code, f"{code} - {name}")
        for code, name in model.objects.filter(active=True, **filters).values_list("code", "name")
    ]


SECTIONS = {
    "cabecera": [
        "distrito",
        "regimen",
        "tipo_despacho",
        "importador_ruc",
        "forma_pago",
        "incoterm",
        "moneda",
        "tipo_cambio",
    ],
    "transporte": [
        "mrn",
        "msn",
        "hsn",
        "pais_origen",
        "pais_procedencia",
        "pais_embarque",
        "puerto_embarque",
        "fecha_embarque",
        "fecha_llegada",
    ],
    "documentos": ["factura_numero", "factura_fecha"],
}

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DaiForm(forms.ModelForm):
    importador_ruc = forms.ChoiceField(label=_("Importador"))

    class Meta:
        model = Dai
        fields = [name for names in SECTIONS.values() for name in names]
        widgets = {"fecha_embarque": DATE, "fecha_llegada": DATE, "factura_fecha": DATE}

    def __init__(self, *args, oce, **kwargs):
        super().__init__(*args, **kwargs)
        self.oce = oce
        operator = oce.registration.operator
        self.fields["distrito"] = forms.ChoiceField(
            label=_("Distrito aduanero"), choices=catalog_choices(CustomsDistrict)
        )
        self.fields["regimen"] = forms.ChoiceField(
            label=_("Régimen aduanero"),
            choices=catalog_choices(CustomsRegime, flow=CustomsRegime.Flow.IMPORT),
        )
        countries = catalog_choices(Country)
        for name, label in (
            ("pais_origen", _("País de origen")),
            ("pais_procedencia", _("País de procedencia")),
            ("pais_embarque", _("País de embarque")),
        ):
            self.fields[name] = forms.ChoiceField(label=label, choices=countries)
        self.fields["incoterm"] = forms.ChoiceField(
            label=_("Incoterm"), choices=catalog_choices(Incoterm)
        )
        self.fields["moneda"] = forms.ChoiceField(
            label=_("Moneda"), choices=catalog_choices(Currency)
        )
        if oce.registration.oce_type.has(Capability.TITULAR):
            clients = [(operator.ruc, f"{operator.ruc} - {operator.legal_name}")]
        else:
            today = timezone.localdate()
            links = (
                BrokerClient.objects.filter(broker=operator, active=True, valid_from__lte=today)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
                .select_related("client")
                .order_by("client__legal_name")
            )
            clients = [("", "---------")] + [
                (b.client.ruc, f"{b.client.ruc} - {b.client.legal_name}") for b in links
            ]
        self.fields["importador_ruc"].choices = clients
        for name in ("mrn", "msn", "hsn", "puerto_embarque", "factura_numero"):
            self.fields[name].required = False
        self.fields["factura_numero"].required = True
        self.fields["factura_fecha"].required = True
        if not self.instance.pk:
            self.initial.setdefault("regimen", "10")
            self.initial.setdefault("moneda", "USD")
            self.initial.setdefault("incoterm", "FOB")
            self.initial.setdefault("tipo_cambio", "1")
            if len(clients) == 1:
                self.initial.setdefault("importador_ruc", clients[0][0])

    def section(self, name):
        return [self[f] for f in SECTIONS[name]]

    def sections(self):
        return [
            ("cabecera", _("Cabecera"), self.section("cabecera")),
            ("transporte", _("Transporte y embarque"), self.section("transporte")),
            ("documentos", _("Documentos de soporte"), self.section("documentos")),
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("moneda") == "USD"
            and data.get("tipo_cambio") not in (None,)
            and data["tipo_cambio"] != 1
        ):
            self.add_error("tipo_cambio", _("Para la moneda USD el tipo de cambio es 1."))
        emb, lle = data.get("fecha_embarque"), data.get("fecha_llegada")
        if emb and lle and emb > lle:
            self.add_error(
                "fecha_llegada", _("La fecha de llegada es anterior a la fecha de embarque.")
            )
        return data

    def header(self) -> dict:
        """The header as typed (cleaned): what ``services.save_draft`` writes."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class DaiItemForm(forms.ModelForm):
    class Meta:
        model = DaiItem
        fields = ITEM_FIELDS

    def __init__(self, *args, item_choices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        item_choices = item_choices or item_catalog_choices()
        self.fields["pais_origen"] = forms.ChoiceField(
            label=_("País de origen"), choices=item_choices["countries"]
        )
        units = item_choices["units"]
        self.fields["unidad_fisica"] = forms.ChoiceField(label=_("Unidad física"), choices=units)
        self.fields["unidad_comercial"] = forms.ChoiceField(
            label=_("Unidad comercial"), choices=units
        )
        self.fields["subpartida"].widget.attrs["placeholder"] = "0901.21.10.00"

    def clean_subpartida(self):
        return clean_subpartida(self.cleaned_data["subpartida"])

    def clean(self):
        # Digits and bounds come from the model's fields (their max_digits and validators).
        data = super().clean()
        if (
            data.get("peso_neto") is not None
            and data.get("peso_bruto") is not None
            and data["peso_neto"] > data["peso_bruto"]
        ):
            self.add_error("peso_neto", _("El peso neto es mayor que el peso bruto."))
        return data


def item_catalog_choices() -> dict:
    return {"countries": catalog_choices(Country), "units": catalog_choices(UnitOfMeasure)}


class BaseItemFormSet(BaseFormSet):
    """The items grid: its rows, in order, are the DAI's items.

    Not bound to the item rows in the database: a save replaces the items with the
    rows of the grid (``services.save_draft``), so no posted id can point a row at
    another item, twice at one item, or at another DAI's item.
    Every row shares the catalog choices, read once per formset (not per row).
    """

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_item_choices"):
            self._item_choices = item_catalog_choices()
        kwargs["item_choices"] = self._item_choices
        return kwargs

    def kept_forms(self) -> list:
        """The rows that are items, in order: neither marked «Eliminar» nor added and left blank."""
        return [
            form
            for index, form in enumerate(self.forms)
            if not (self.can_delete and self._should_delete_form(form))
            and (index < self.initial_form_count() or form.has_changed())
        ]

    def items(self) -> list[dict]:
        return [{name: f.cleaned_data[name] for name in ITEM_FIELDS} for f in self.kept_forms()]


def item_initial(dai) -> list[dict]:
    """The grid's rows for a saved DAI."""
    if dai is None or dai.pk is None:
        return []
    return [
        {
            **{name: getattr(item, name) for name in ITEM_FIELDS},
            "subpartida": dotted_subpartida(item.subpartida),
        }
        for item in dai.items.order_by("numero")
    ]


ItemFormSet = formset_factory(
    DaiItemForm,
    formset=BaseItemFormSet,
    extra=0,
    can_delete=True,
    min_num=1,
    validate_min=True,
    max_num=999,
    validate_max=True,
    absolute_max=999,  # a forged TOTAL_FORMS never builds more forms than a DAI may have
)

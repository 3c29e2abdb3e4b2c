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
        "tipo_cambio_motivo",
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

    def __init__(self, *args, oce, draft: bool = False, check_rate: bool = False, **kwargs):
        """``draft``: "Guardar temporal" — any subset of the fields, only types and formats
        are checked; the complete validation (required fields, cross-field checks) runs at
        "Cálculo de tributos" and "Enviar"."""
        super().__init__(*args, **kwargs)
        self.oce = oce
        self.draft = draft
        # The 1.1 editor's complete validation: a rate other than USD is the published one or
        # a manual one with its reason (``services.apply_exchange_rate``).
        self.check_rate = check_rate
        operator = oce.registration.operator
        self.fields["distrito"] = forms.ChoiceField(
            label=_("Distrito aduanero"), choices=catalog_choices(CustomsDistrict)
        )
        self.fields["regimen"] = forms.ChoiceField(
            label=_("Régimen aduanero"),
            choices=catalog_choices(CustomsRegime, flow=CustomsRegime.Flow.IMPORT),
        )
        # Long catalogs are typeahead text inputs (no 250-option select in the page).
        countries = _codes(Country)
        for name, label in (
            ("pais_origen", _("País de origen")),
            ("pais_procedencia", _("País de procedencia")),
            ("pais_embarque", _("País de embarque")),
        ):
            self.fields[name] = CatalogCodeField(label=label, catalog="paises", codes=countries)
        self.fields["incoterm"] = forms.ChoiceField(
            label=_("Incoterm"), choices=catalog_choices(Incoterm)
        )
        self.fields["moneda"] = CatalogCodeField(
            label=_("Moneda"), catalog="monedas", codes=_codes(Currency)
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
        self.fields["tipo_cambio"].required = False
        self.fields["tipo_cambio"].help_text = _(
            "Se toma de la tabla del Banco Central para la moneda y la fecha de la factura; "
            "un tipo de cambio manual solo con su motivo."
        )
        self.fields["tipo_cambio_motivo"].required = False
        if draft:
            for field in self.fields.values():
                field.required = False
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
        if self.draft:  # cross-field checks never block saving a draft
            return data
        if (
            data.get("moneda") == "USD"
            and data.get("tipo_cambio") not in (None,)
            and data["tipo_cambio"] != 1
        ):
            self.add_error("tipo_cambio", _("Para la moneda USD el tipo de cambio es 1."))
        if self.check_rate and data.get("moneda") and data["moneda"] != "USD":
            self._check_rate(data)
        emb, lle = data.get("fecha_embarque"), data.get("fecha_llegada")
        if emb and lle and emb > lle:
            self.add_error(
                "fecha_llegada", _("La fecha de llegada es anterior a la fecha de embarque.")
            )
        return data

    def _check_rate(self, data):
        from .services import published_rate

        motivo = data.get("tipo_cambio_motivo")
        published = published_rate(data["moneda"], data.get("factura_fecha"))
        if motivo:
            if not data.get("tipo_cambio"):
                self.add_error("tipo_cambio", _("Ingrese el tipo de cambio manual."))
        elif published is None:
            self.add_error(
                "tipo_cambio",
                _(
                    "No hay tipo de cambio publicado para %(moneda)s a la fecha de la factura: "
                    "ingrese uno manual con su motivo."
                )
                % {"moneda": data["moneda"]},
            )

    def header(self) -> dict:
        """The header as typed (cleaned): what ``services.save_draft`` writes. A field left
        empty in a draft is stored empty (the rate, then, comes from the table or is 1)."""
        header = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        for name, value in header.items():
            if value is None and not Dai._meta.get_field(name).null:
                header[name] = Dai._meta.get_field(name).get_default()
        return header


class CatalogCodeField(forms.CharField):
    """A catalog code typed in a text input (typeahead from ``customs:catalogo``, no select
    per row); checked against the catalog's active codes, read once per form set or file."""

    def __init__(self, *, catalog: str, codes, **kwargs):
        super().__init__(max_length=8, **kwargs)
        self.codes = codes
        self.widget.attrs.update(
            {
                "data-catalogo": catalog,
                "autocomplete": "off",
                "size": "6",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        )

    def to_python(self, value):
        return super().to_python(value).strip().upper()

    def validate(self, value):
        super().validate(value)
        if value and value not in self.codes:
            raise forms.ValidationError(
                _("«%(code)s» no es un código del catálogo."),
                code="catalog",
                params={"code": value},
            )


class DaiItemForm(forms.ModelForm):
    class Meta:
        model = DaiItem
        fields = ITEM_FIELDS

    def __init__(self, *args, item_choices: dict | None = None, draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft
        item_choices = item_choices or item_catalog_choices()
        self.fields["pais_origen"] = CatalogCodeField(
            label=_("País de origen"), catalog="paises", codes=item_choices["countries"]
        )
        units = item_choices["units"]
        self.fields["unidad_fisica"] = CatalogCodeField(
            label=_("Unidad física"), catalog="unidades", codes=units
        )
        self.fields["unidad_comercial"] = CatalogCodeField(
            label=_("Unidad comercial"), catalog="unidades", codes=units
        )
        self.fields["subpartida"].widget.attrs["placeholder"] = "0901.21.10.00"

    def clean_subpartida(self):
        return clean_subpartida(self.cleaned_data["subpartida"])

    def clean(self):
        # Digits and bounds come from the model's fields (their max_digits and validators).
        data = super().clean()
        if self.draft:  # an item of a draft: the cross-field check waits for the complete one
            return data
        if (
            data.get("peso_neto") is not None
            and data.get("peso_bruto") is not None
            and data["peso_neto"] > data["peso_bruto"]
        ):
            self.add_error("peso_neto", _("El peso neto es mayor que el peso bruto."))
        return data


class ItemRows:
    """``DaiItemForm``'s checks applied to many rows (the Excel import) without building a form
    per row: the same fields (their ``clean``), the subpartida rule, the model's validators
    and the cross-field check. Called with a row's data, it answers like a bound form
    (``is_valid()``, ``cleaned_data``, ``errors``)."""

    def __init__(self, *, draft: bool = False):
        self.form = DaiItemForm(item_choices=item_catalog_choices(), draft=draft)
        self.model_fields = {name: DaiItem._meta.get_field(name) for name in ITEM_FIELDS}

    def __call__(self, data: dict) -> ItemRows:
        self.cleaned_data, self.errors = {}, {}
        for name, field in self.form.fields.items():
            try:
                value = field.clean(field.widget.value_from_datadict(data, {}, name))
                if name == "subpartida":
                    value = clean_subpartida(value)
                if value not in field.empty_values:
                    self.model_fields[name].run_validators(value)
                self.cleaned_data[name] = value
            except forms.ValidationError as exc:
                self.errors[name] = exc.messages
        neto, bruto = self.cleaned_data.get("peso_neto"), self.cleaned_data.get("peso_bruto")
        if not self.form.draft and neto is not None and bruto is not None and neto > bruto:
            self.errors.setdefault("peso_neto", []).append(
                str(_("El peso neto es mayor que el peso bruto."))
            )
        return self

    def is_valid(self) -> bool:
        return not self.errors


def _codes(model) -> frozenset:
    return frozenset(model.objects.filter(active=True).values_list("code", flat=True))


def item_catalog_choices() -> dict:
    """The active codes of the item's catalogs (one query each)."""
    return {"countries": _codes(Country), "units": _codes(UnitOfMeasure)}


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

"""The arancel: nomenclature, dated measures per 10-digit line, and dated tax rules.

Dates are plain ``valid_from`` / ``valid_to`` columns (both inclusive; an empty
``valid_to`` means "in force until further notice"), never PostgreSQL range
types, so SQLite works too.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecuapass.core.models import AuditedModel

from .codes import CommodityCode


def in_force_q(on: date, prefix: str = "") -> Q:
    """Rows whose vigencia covers the date ``on`` (both ends inclusive)."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


class DatedQuerySet(models.QuerySet):
    def in_force(self, on: date):
        return self.filter(in_force_q(on))


class Section(models.Model):
    """Sección I–XXI of the Harmonized System."""

    number = models.PositiveSmallIntegerField(_("número"), unique=True)
    roman = models.CharField(_("sección"), max_length=6, unique=True)
    title_es = models.TextField(_("título"))
    title_en = models.TextField(_("título en inglés"), blank=True)
    official_translation = models.BooleanField(_("texto oficial en español"), default=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("sección")
        verbose_name_plural = _("secciones")

    def __str__(self) -> str:
        return f"{self.roman} - {self.title_es}"


class Commodity(models.Model):
    """A node of the nomenclature: capítulo, partida, subpartida SA, NANDINA or nacional.

    Only 10-digit nodes (subpartidas nacionales, "lines") carry measures.
    """

    class Level(models.IntegerChoices):
        CHAPTER = 2, _("capítulo")
        HEADING = 4, _("partida")
        SUBHEADING = 6, _("subpartida SA")
        NANDINA = 8, _("subpartida NANDINA")
        LINE = 10, _("subpartida nacional")

    class TextSource(models.TextChoices):
        OFFICIAL = "oficial", _("texto legal")
        UNOFFICIAL = "no_oficial", _("traducción no oficial")
        DERIVED = "derivado", _("traducción no oficial derivada de la TIGIE (México)")
        ENGLISH = "ingles", _("sin traducción (texto en inglés)")
        FILE = "archivo", _("archivo del arancel")

    code = models.CharField(_("código"), max_length=10, unique=True)
    level = models.PositiveSmallIntegerField(_("nivel"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nivel superior"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    section = models.ForeignKey(
        Section, verbose_name=_("sección"), on_delete=models.PROTECT, related_name="commodities"
    )
    description_es = models.TextField(_("descripción"))
    description_en = models.TextField(_("descripción en inglés"), blank=True)
    text_source = models.CharField(
        _("origen del texto"), max_length=12, choices=TextSource.choices, default=TextSource.FILE
    )
    unit = models.ForeignKey(
        "core.UnitOfMeasure",
        verbose_name=_("unidad de medida"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("vigencia desde"), null=True, blank=True)
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    sample = models.BooleanField(
        _("tarifa de muestra"),
        default=False,
        help_text=_("Línea cargada del archivo de muestra: no es el arancel oficial."),
    )
    source = models.CharField(_("archivo de origen"), max_length=200, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("subpartida")
        verbose_name_plural = _("subpartidas")
        indexes = [models.Index(fields=["level", "code"], name="tariff_comm_level_code")]

    def __str__(self) -> str:
        return f"{self.dotted} - {self.description_es[:80]}"

    @property
    def commodity_code(self) -> CommodityCode:
        return CommodityCode(self.code)

    @property
    def dotted(self) -> str:
        return self.commodity_code.dotted

    @property
    def is_line(self) -> bool:
        return self.level == 10

    def is_in_force(self, on: date) -> bool:
        if self.valid_from and self.valid_from > on:
            return False
        return not (self.valid_to and self.valid_to < on)


class Measure(AuditedModel):
    """One dated measure of a 10-digit line: a rate, a specific duty, a tax class…"""

    class Kind(models.TextChoices):
        AD_VALOREM = "ad_valorem", _("Ad valorem")
        ESPECIFICO = "especifico", _("Derecho específico")
        ICE_AD_VALOREM = "ice_ad_valorem", _("ICE ad valorem")
        ICE_ESPECIFICO = "ice_especifico", _("ICE específico")
        IVA = "iva", _("Clase de IVA")
        FODINFA = "fodinfa", _("FODINFA")
        SALVAGUARDIA = "salvaguardia", _("Salvaguardia (recargo)")

    class IvaClass(models.TextChoices):
        GENERAL = "general", _("tarifa general")
        CERO = "cero", _("tarifa 0 %")
        CINCO = "cinco", _("tarifa 5 %")

    line = models.ForeignKey(
        Commodity,
        verbose_name=_("subpartida nacional"),
        on_delete=models.CASCADE,
        related_name="measures",
        limit_choices_to={"level": 10},
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    kind = models.CharField(_("medida"), max_length=16, choices=Kind.choices)
    rate = models.DecimalField(
        _("tarifa (%)"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    amount = models.DecimalField(
        _("monto por unidad (USD)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    unit = models.ForeignKey(
        "core.UnitOfMeasure",
        verbose_name=_("unidad del monto"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    iva_class = models.CharField(
        _("clase de IVA"), max_length=8, choices=IvaClass.choices, blank=True
    )
    applies = models.BooleanField(
        _("aplica"), default=True, help_text=_("Para FODINFA: si la línea paga el fondo.")
    )
    valid_from = models.DateField(_("vigencia desde"))
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    legal_basis = models.CharField(_("base legal"), max_length=300)
    sample = models.BooleanField(_("tarifa de muestra"), default=False)
    source = models.CharField(_("archivo de origen"), max_length=200, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "kind", "-valid_from"]
        verbose_name = _("medida arancelaria")
        verbose_name_plural = _("medidas arancelarias")
        indexes = [
            models.Index(fields=["line", "kind", "valid_from"], name="tariff_meas_line_kind")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "kind", "valid_from"], name="tariff_measure_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="tariff_measure_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=0), name="tariff_measure_rate_ge_0"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="tariff_measure_amount_ge_0",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.line.code} {self.get_kind_display()} {self.value_display} ({self.valid_from})"
        )

    @property
    def value_display(self) -> str:
        if self.kind == self.Kind.IVA:
            return str(self.get_iva_class_display())
        if self.kind == self.Kind.FODINFA:
            return str(_("aplica") if self.applies else _("exento"))
        from ecuapass.core.formatting import number, percent

        parts = []
        if self.rate is not None:
            parts.append(percent(self.rate, -4))
        if self.amount is not None:
            unit = self.unit.code if self.unit_id else ""
            parts.append(f"USD {number(self.amount, -4)}/{unit}".rstrip("/"))
        return " + ".join(parts)

    def is_in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


class Restriction(AuditedModel):
    """A VUE permit required to import a line, or a prohibition."""

    class Kind(models.TextChoices):
        RESTRICTION = "restriccion", _("Restricción (documento de control previo)")
        PROHIBITION = "prohibicion", _("Prohibición")

    line = models.ForeignKey(
        Commodity,
        verbose_name=_("subpartida nacional"),
        on_delete=models.CASCADE,
        related_name="restrictions",
        limit_choices_to={"level": 10},
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    agency = models.CharField(_("entidad"), max_length=80, blank=True)
    document = models.CharField(_("documento requerido"), max_length=200, blank=True)
    description = models.TextField(_("detalle"), blank=True)
    valid_from = models.DateField(_("vigencia desde"))
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    legal_basis = models.CharField(_("base legal"), max_length=300)
    sample = models.BooleanField(_("tarifa de muestra"), default=False)
    source = models.CharField(_("archivo de origen"), max_length=200, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "kind", "agency", "-valid_from"]
        verbose_name = _("restricción o prohibición")
        verbose_name_plural = _("restricciones y prohibiciones")
        indexes = [models.Index(fields=["line", "valid_from"], name="tariff_restr_line")]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "kind", "agency", "document", "valid_from"],
                name="tariff_restriction_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line.code} {self.get_kind_display()} {self.agency} {self.document}"


class TaxRule(models.Model):
    """A dated rule of the liquidación: IVA rate per class, FODINFA, presumptive insurance,
    the ad-valorem base. Loaded by ``reference_data``; editable in the admin."""

    class Code(models.TextChoices):
        IVA = "iva", _("IVA")
        FODINFA = "fodinfa", _("FODINFA")
        SEGURO_PRESUNTIVO = "seguro_presuntivo", _("Seguro presuntivo")
        BASE_AD_VALOREM = "base_ad_valorem", _("Base imponible del ad valorem")

    class Base(models.TextChoices):
        CIF = "cif", _("CIF (valor en aduana)")
        CIF_SIN_FLETE = "cif_sin_flete", _("CIF menos el flete")
        FOB = "fob", _("FOB")

    code = models.CharField(_("regla"), max_length=20, choices=Code.choices)
    iva_class = models.CharField(
        _("clase de IVA"), max_length=8, choices=Measure.IvaClass.choices, blank=True
    )
    rate = models.DecimalField(
        _("tarifa (%)"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    base = models.CharField(_("base"), max_length=16, choices=Base.choices, blank=True)
    valid_from = models.DateField(_("vigencia desde"))
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    legal_basis = models.CharField(_("base legal"), max_length=300)
    description = models.TextField(_("descripción"), blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "iva_class", "valid_from"]
        verbose_name = _("regla de liquidación")
        verbose_name_plural = _("reglas de liquidación")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "iva_class", "valid_from"], name="tariff_taxrule_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="tariff_taxrule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_code_display()
        if self.iva_class:
            label = f"{label} ({self.get_iva_class_display()})"
        return f"{label} {self.valid_from}"

"""The DAI (Declaración Aduanera de Importación): header, items, liquidación.

Catalog codes are stored as declared (strings): the document phase of
processing checks them against the catalogs, so a bad code sent through the
API is rejected with an "Observación" instead of being lost.
"""

from __future__ import annotations

import os
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")


def money_field(label, **kwargs):
    return models.DecimalField(label, max_digits=16, decimal_places=2, default=ZERO, **kwargs)


class TipoDespacho(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ANTICIPADO = "anticipado", _("Anticipado")


class FormaPago(models.TextChoices):
    CONTADO = "contado", _("Contado")
    CREDITO = "credito", _("Crédito")
    ANTICIPADO = "anticipado", _("Pago anticipado")
    CARTA_CREDITO = "carta_credito", _("Carta de crédito")
    SIN_PAGO = "sin_pago", _("Sin pago (no comercial)")


class Dai(models.Model):
    edoc = models.OneToOneField(
        "edocs.EDocument", on_delete=models.CASCADE, related_name="dai", verbose_name=_("e-doc")
    )
    # Cabecera
    distrito = models.CharField(_("distrito aduanero"), max_length=3)
    regimen = models.CharField(_("régimen aduanero"), max_length=4, default="10")
    tipo_despacho = models.CharField(
        _("tipo de despacho"),
        max_length=12,
        choices=TipoDespacho.choices,
        default=TipoDespacho.NORMAL,
    )
    declarante_ruc = models.CharField(_("RUC del declarante"), max_length=13)
    declarante_nombre = models.CharField(_("nombre del declarante"), max_length=300)
    importador_ruc = models.CharField(_("RUC del importador"), max_length=13)
    importador_nombre = models.CharField(_("nombre del importador"), max_length=300)
    importador = models.ForeignKey(
        "accounts.Operator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dais",
        verbose_name=_("importador"),
    )
    # Documento de transporte
    mrn = models.CharField(_("MRN (manifiesto)"), max_length=30, blank=True)
    msn = models.CharField(_("MSN (documento madre)"), max_length=10, blank=True)
    hsn = models.CharField(_("HSN (documento hijo)"), max_length=10, blank=True)
    pais_origen = models.CharField(_("país de origen"), max_length=2)
    pais_procedencia = models.CharField(_("país de procedencia"), max_length=2)
    pais_embarque = models.CharField(_("país de embarque"), max_length=2)
    puerto_embarque = models.CharField(_("puerto de embarque"), max_length=60, blank=True)
    fecha_embarque = models.DateField(_("fecha de embarque"), null=True, blank=True)
    fecha_llegada = models.DateField(_("fecha de llegada"), null=True, blank=True)
    incoterm = models.CharField(_("Incoterm"), max_length=3, default="FOB")
    moneda = models.CharField(_("moneda"), max_length=3, default="USD")
    tipo_cambio = models.DecimalField(
        _("tipo de cambio"), max_digits=14, decimal_places=6, default=Decimal("1")
    )
    # Empty: the rate comes from the dated table (``TipoCambio``) for the invoice's currency and
    # date. A rate typed by the declarant is kept only with its reason, which the officer sees.
    tipo_cambio_motivo = models.CharField(
        _("motivo del tipo de cambio manual"), max_length=300, blank=True
    )
    forma_pago = models.CharField(
        _("forma de pago"), max_length=16, choices=FormaPago.choices, default=FormaPago.CONTADO
    )
    # Documentos de soporte
    factura_numero = models.CharField(_("número de factura comercial"), max_length=40, blank=True)
    factura_fecha = models.DateField(_("fecha de la factura"), null=True, blank=True)
    # Totales (derived from the items; declared ones kept for the consistency rule)
    numero_items = models.PositiveIntegerField(_("número de ítems"), default=0)
    total_fob = money_field(_("total FOB (USD)"))
    total_flete = money_field(_("total flete (USD)"))
    total_seguro = money_field(_("total seguro (USD)"))
    total_cif = money_field(_("total CIF (USD)"))
    total_peso_neto = models.DecimalField(
        _("peso neto total (kg)"), max_digits=16, decimal_places=3, default=ZERO
    )
    total_peso_bruto = models.DecimalField(
        _("peso bruto total (kg)"), max_digits=16, decimal_places=3, default=ZERO
    )
    totales_declarados = models.JSONField(_("totales declarados"), null=True, blank=True)

    class Meta:
        verbose_name = _("DAI")
        verbose_name_plural = _("DAI")
        indexes = [
            # DAI-304 (FacturaNoDuplicada) looks the invoice up case-insensitively: an index on
            # the plain column left it scanning every DAI of the importer for each new one.
            models.Index(
                models.F("importador_ruc"), Upper("factura_numero"), name="dai_importer_invoice_ci"
            ),
        ]

    def __str__(self) -> str:
        return (
            self.edoc.document_number
            or self.edoc.numero_entrega
            or _("DAI borrador %(pk)s") % {"pk": self.pk}
        )

    def get_absolute_url(self) -> str:
        return reverse("edocs:documento", args=[self.edoc_id])

    def recompute_totals(self, items=None) -> None:
        """The header's totals (USD) as sums of the items' amounts in USD, each rounded as
        the liquidación rounds it: the CIF here is the liquidación's CIF, insurance included
        (``DaiItem.seguro_usd``)."""
        items = list(items if items is not None else self.items.all())
        rate = self.tipo_cambio or Decimal("1")
        from ecuapass.core.money import cents

        self.numero_items = len(items)
        self.total_fob = sum((cents(i.fob * rate) for i in items), ZERO)
        self.total_flete = sum((cents(i.flete * rate) for i in items), ZERO)
        self.total_seguro = sum((i.seguro_usd(rate) for i in items), ZERO)
        self.total_cif = self.total_fob + self.total_flete + self.total_seguro
        self.total_peso_neto = sum((i.peso_neto for i in items), ZERO)
        self.total_peso_bruto = sum((i.peso_bruto for i in items), ZERO)

    @property
    def tipo_cambio_manual(self) -> bool:
        return bool(self.tipo_cambio_motivo)


def positive(places: int):
    """More than zero at the field's precision (the smallest amount it can hold)."""
    return MinValueValidator(Decimal(1).scaleb(-places), message=_("Debe ser mayor que cero."))


NOT_NEGATIVE = MinValueValidator(ZERO, message=_("No puede ser negativo."))


class DocumentNumberField(models.CharField):
    """A document's number as the issuer writes it: stored trimmed and in capitals whatever path
    writes the row (the API, the editor, the Excel import, a save or a bulk insert), so that it is
    found by an exact (indexed) lookup however the declarant typed it."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value.strip().upper() if isinstance(value, str) else value


class DaiItem(models.Model):
    """An item of the DAI. Its declared fields (``services.ITEM_FIELDS``) are the item's one
    shape: the editor's form and the API's serializer are built from them (lengths, digits,
    bounds), and the liquidación's amounts are checked against these columns before a save."""

    dai = models.ForeignKey(Dai, on_delete=models.CASCADE, related_name="items", db_index=False)
    numero = models.PositiveIntegerField(_("ítem"))
    subpartida = models.CharField(_("subpartida"), max_length=13)
    descripcion = models.CharField(_("descripción comercial"), max_length=500)
    pais_origen = models.CharField(_("país de origen"), max_length=2)
    cantidad_fisica = models.DecimalField(
        _("cantidad física"), max_digits=16, decimal_places=4, validators=[positive(4)]
    )
    unidad_fisica = models.CharField(_("unidad física"), max_length=8)
    cantidad_comercial = models.DecimalField(
        _("cantidad comercial"), max_digits=16, decimal_places=4, validators=[positive(4)]
    )
    unidad_comercial = models.CharField(_("unidad comercial"), max_length=8)
    peso_neto = models.DecimalField(
        _("peso neto (kg)"), max_digits=16, decimal_places=3, validators=[NOT_NEGATIVE]
    )
    peso_bruto = models.DecimalField(
        _("peso bruto (kg)"), max_digits=16, decimal_places=3, validators=[NOT_NEGATIVE]
    )
    fob = models.DecimalField(_("FOB"), max_digits=16, decimal_places=2, validators=[positive(2)])
    flete = models.DecimalField(
        _("flete"), max_digits=16, decimal_places=2, default=ZERO, validators=[NOT_NEGATIVE]
    )
    seguro = models.DecimalField(
        _("seguro"), max_digits=16, decimal_places=2, default=ZERO, validators=[NOT_NEGATIVE]
    )
    # The documento de control previo (a VUE document's number) the declarant names for this item;
    # blank: the importer's valid one of the required type expiring first (vue.dai, DAI-410).
    documento_control_numero = DocumentNumberField(
        _("documento de control (número)"),
        max_length=40,
        blank=True,
        default="",
        help_text=_(
            "El permiso de la Ventanilla Única que descarga el ítem, si su subpartida lo requiere; "
            "vacío, el sistema elige el vigente que vence primero."
        ),
    )
    # Liquidación of the item (USD), from the tariff calculator.
    seguro_aplicado = money_field(_("seguro aplicado (USD)"))
    seguro_presuntivo = models.BooleanField(_("seguro presuntivo"), default=False)
    cif = money_field(_("CIF"))
    base_ad_valorem = money_field(_("base ad valorem"))
    ad_valorem = money_field(_("ad valorem"))
    especifico = money_field(_("específico"))
    salvaguardia = money_field(_("salvaguardia"))
    fodinfa = money_field(_("FODINFA"))
    ice = money_field(_("ICE"))
    iva = money_field(_("IVA"))
    total_tributos = money_field(_("total tributos"))
    fundamentos = models.JSONField(_("tarifas y base legal"), default=list, blank=True)

    class Meta:
        verbose_name = _("ítem de la DAI")
        verbose_name_plural = _("ítems de la DAI")
        ordering = ["dai", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["dai", "numero"], name="uniq_dai_item_numero")
        ]

    def __str__(self) -> str:
        return f"{self.numero}: {self.subpartida}"

    def seguro_usd(self, rate) -> Decimal:
        """The insurance the liquidación applies (USD): the policy's, or the presumptive one
        the calculator set (``seguro_aplicado``); before a liquidación, the declared one."""
        from ecuapass.core.money import cents

        if self.seguro_presuntivo or self.seguro_aplicado:
            return self.seguro_aplicado
        return cents((self.seguro or ZERO) * (rate or Decimal("1")))


class Liquidacion(models.Model):
    """The tributes of a DAI: recomputed on every draft change, frozen at acceptance."""

    dai = models.OneToOneField(Dai, on_delete=models.CASCADE, related_name="liquidacion")
    fecha = models.DateField(_("fecha de cálculo"), null=True, blank=True)
    computed_on = models.DateTimeField(_("calculada el"), null=True, blank=True)
    frozen_on = models.DateTimeField(_("congelada el"), null=True, blank=True)
    error = models.TextField(_("error de cálculo"), blank=True)
    muestra = models.BooleanField(_("tarifa de muestra"), default=False)
    total_cif = money_field(_("CIF"))
    total_ad_valorem = money_field(_("ad valorem"))
    total_especifico = money_field(_("específico"))
    total_salvaguardia = money_field(_("salvaguardia"))
    total_fodinfa = money_field(_("FODINFA"))
    total_ice = money_field(_("ICE"))
    total_iva = money_field(_("IVA"))
    total_tributos = money_field(_("total a pagar"))
    detalle = models.JSONField(_("detalle"), default=dict, blank=True)

    class Meta:
        verbose_name = _("liquidación")
        verbose_name_plural = _("liquidaciones")

    def __str__(self) -> str:
        return f"{self.dai} {self.total_tributos}"

    @property
    def frozen(self) -> bool:
        return self.frozen_on is not None


class PrintsStorage(FileSystemStorage):
    """Where the prints rendered by workers are kept: ``ECUAPASS_PRINTS_DIR`` (read when used),
    outside the web root; only the print views serve them, after their scope check."""

    @property
    def base_location(self):
        return str(settings.ECUAPASS_PRINTS_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def prints_storage():
    return PrintsStorage()


def print_path(instance, filename: str) -> str:
    return f"{instance.edoc_id}/{filename}"


class Impresion(models.Model):
    """A print (PDF) of a large DAI, rendered by a worker (``customs.prints``).

    One per document, print, language and ``version`` (a fingerprint of what the print
    shows): when the document changes, the next request makes a new one.
    """

    class Tipo(models.TextChoices):
        DAI = "dai", _("DAI")
        LIQUIDACION = "liquidacion", _("Liquidación")

    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", _("Generando")
        LISTA = "lista", _("Lista")
        ERROR = "error", _("Error")

    edoc = models.ForeignKey(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="impresiones",
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    tipo = models.CharField(_("impresión"), max_length=12, choices=Tipo.choices)
    idioma = models.CharField(_("idioma"), max_length=8)
    version = models.CharField(_("versión del documento"), max_length=64)
    estado = models.CharField(
        _("estado"), max_length=10, choices=Estado.choices, default=Estado.PENDIENTE
    )
    archivo = models.FileField(
        _("archivo"), storage=prints_storage, upload_to=print_path, max_length=200, blank=True
    )
    job_id = models.CharField(_("trabajo en cola"), max_length=64, blank=True)
    solicitada_el = models.DateTimeField(_("solicitada el"), auto_now_add=True)
    terminada_el = models.DateTimeField(_("terminada el"), null=True, blank=True)
    error = models.TextField(_("detalle del error"), blank=True)

    class Meta:
        verbose_name = _("impresión")
        verbose_name_plural = _("impresiones")
        constraints = [
            models.UniqueConstraint(
                fields=["edoc", "tipo", "idioma", "version"], name="uniq_impresion_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edoc_id} {self.tipo} {self.estado}"


class TipoCambio(models.Model):
    """A published exchange rate: USD per unit of ``moneda`` from ``fecha`` (Banco Central del
    Ecuador), loaded by ``manage.py load_exchange_rates`` from the BCE's CSV layout."""

    moneda = models.CharField(_("moneda"), max_length=3)
    fecha = models.DateField(_("fecha"))
    tasa = models.DecimalField(_("dólares por unidad"), max_digits=14, decimal_places=6)
    fuente = models.CharField(_("fuente"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tipo de cambio")
        verbose_name_plural = _("tipos de cambio")
        ordering = ["moneda", "-fecha"]
        constraints = [
            models.UniqueConstraint(fields=["moneda", "fecha"], name="uniq_tipo_cambio_dia")
        ]

    def __str__(self) -> str:
        return f"{self.moneda} {self.fecha:%d/%m/%Y} {self.tasa}"

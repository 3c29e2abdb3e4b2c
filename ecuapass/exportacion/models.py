"""The export trámite: the DAE and what happens to it until its regularización.

* ``Dae`` / ``DaeItem`` — the Declaración Aduanera de Exportación (an e-doc of the registry).
  Catalog codes are stored as declared; the rules check them (like the DAI).
* ``ControlExportacion`` — dated catalog: subpartidas (prefix) whose export needs a documento de
  control (certificado fitosanitario, CITES…) referenced on the item.
* ``IngresoExportacion`` — the depósito temporal's Informe de Ingreso (bultos, peso, contenedores
  and seals, fecha-hora) with the novedades found against the DAE.
* ``SalidaExportacion`` — the depósito's Informe de Salida towards the vessel or aircraft.
* ``ManifiestoExportacion`` / ``DocumentoEmbarque`` — the export manifest (an e-doc of the
  registry, filed by the agente de carga or the carrier) and its transport documents, each linked
  to the DAE it carries.
* ``Regularizacion`` — the exporter's regularización (RDAE) with the final values.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecuapass.customs.models import NOT_NEGATIVE, positive

ZERO = Decimal("0")


class ViaTransporte(models.TextChoices):
    MARITIMA = "maritima", _("Marítima")
    AEREA = "aerea", _("Aérea")
    TERRESTRE = "terrestre", _("Terrestre")


class Dae(models.Model):
    edoc = models.OneToOneField(
        "edocs.EDocument", on_delete=models.CASCADE, related_name="dae", verbose_name=_("e-doc")
    )
    # Cabecera
    distrito = models.CharField(_("distrito aduanero"), max_length=3)
    regimen = models.CharField(_("régimen aduanero"), max_length=4, default="40")
    declarante_ruc = models.CharField(_("RUC del declarante"), max_length=13)
    declarante_nombre = models.CharField(_("nombre del declarante"), max_length=300)
    exportador_ruc = models.CharField(_("RUC del exportador"), max_length=13, db_index=True)
    exportador_nombre = models.CharField(_("nombre del exportador"), max_length=300)
    exportador = models.ForeignKey(
        "accounts.Operator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="daes",
        verbose_name=_("exportador"),
    )
    pais_destino = models.CharField(_("país de destino"), max_length=2)
    puerto_embarque = models.CharField(_("puerto o aeropuerto de embarque"), max_length=60)
    via_transporte = models.CharField(
        _("vía de transporte"), max_length=10, choices=ViaTransporte.choices
    )
    deposito_codigo = models.CharField(
        _("depósito temporal / zona primaria (código de OCE)"), max_length=8, db_index=True
    )
    fecha_embarque_estimada = models.DateField(_("fecha estimada de embarque"))
    factura_numero = models.CharField(_("número de factura o proforma"), max_length=40)
    factura_fecha = models.DateField(_("fecha de la factura"), null=True, blank=True)
    incoterm = models.CharField(_("Incoterm"), max_length=3, default="FOB")
    moneda = models.CharField(_("moneda"), max_length=3, default="USD")
    tipo_cambio = models.DecimalField(
        _("tipo de cambio"), max_digits=14, decimal_places=6, default=Decimal("1")
    )
    bultos = models.PositiveIntegerField(_("número de bultos"), default=0)
    # Totales (from the items; the declared ones kept for the consistency rule)
    numero_items = models.PositiveIntegerField(_("número de ítems"), default=0)
    total_fob = models.DecimalField(
        _("total FOB (USD)"), max_digits=16, decimal_places=2, default=ZERO
    )
    total_peso_neto = models.DecimalField(
        _("peso neto total (kg)"), max_digits=16, decimal_places=3, default=ZERO
    )
    total_peso_bruto = models.DecimalField(
        _("peso bruto total (kg)"), max_digits=16, decimal_places=3, default=ZERO
    )
    totales_declarados = models.JSONField(_("totales declarados"), null=True, blank=True)
    # After acceptance: the embarque (from the manifest) and the regularización's deadline.
    fecha_embarque = models.DateTimeField(_("embarcada el"), null=True, blank=True)
    documento_transporte = models.CharField(
        _("documento de transporte (B/L, AWB)"), max_length=40, blank=True
    )
    regularizar_hasta = models.DateField(_("plazo de regularización"), null=True, blank=True)
    aviso_plazo_on = models.DateTimeField(_("aviso de plazo enviado"), null=True, blank=True)
    aviso_vencido_on = models.DateTimeField(
        _("aviso de vencimiento enviado"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("DAE")
        verbose_name_plural = _("DAE")
        indexes = [
            models.Index(fields=["regularizar_hasta"], name="dae_regularizar_hasta"),
        ]

    def __str__(self) -> str:
        return (
            self.edoc.document_number
            or self.edoc.numero_entrega
            or _("DAE borrador %(pk)s") % {"pk": self.pk}
        )

    def get_absolute_url(self) -> str:
        return reverse("edocs:documento", args=[self.edoc_id])

    # The shape the motor de riesgo and the despacho read (the party of the declaration).
    @property
    def importador_ruc(self) -> str:
        return self.exportador_ruc

    @property
    def importador_nombre(self) -> str:
        return self.exportador_nombre

    @property
    def pais_origen(self) -> str:
        return "EC"

    # The despacho's trámite page shows a declaration's transport document and exchange rate:
    # an export is declared before it has a manifest (its B/L or AWB comes with the embarque).
    @property
    def mrn(self) -> str:
        return ""

    @property
    def msn(self) -> str:
        return self.documento_transporte

    @property
    def hsn(self) -> str:
        return ""

    @property
    def tipo_cambio_motivo(self) -> str:
        return ""

    # What happened to the DAE, None until it did (templates and serializers read these).
    def _reverse(self, name):
        try:
            return getattr(self, name)
        except models.ObjectDoesNotExist:
            return None

    @property
    def informe_ingreso(self):
        return self._reverse("ingreso")

    @property
    def informe_salida(self):
        return self._reverse("salida")

    @property
    def regularizada(self):
        return self._reverse("regularizacion")

    def recompute_totals(self, items=None) -> None:
        from ecuapass.core.money import cents

        items = list(items if items is not None else self.items.all())
        rate = self.tipo_cambio or Decimal("1")
        self.numero_items = len(items)
        self.total_fob = cents(sum((i.fob for i in items), ZERO) * rate)
        self.total_peso_neto = sum((i.peso_neto for i in items), ZERO)
        self.total_peso_bruto = sum((i.peso_bruto for i in items), ZERO)


class DaeItem(models.Model):
    """An item of the DAE: the DAI item's shape without freight and insurance, plus the
    documento de control its subpartida may need (``ControlExportacion``)."""

    dae = models.ForeignKey(Dae, on_delete=models.CASCADE, related_name="items", db_index=False)
    numero = models.PositiveIntegerField(_("ítem"))
    subpartida = models.CharField(_("subpartida"), max_length=13)
    descripcion = models.CharField(_("descripción comercial"), max_length=500)
    pais_origen = models.CharField(_("país de origen"), max_length=2, default="EC")
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
    documento_control_tipo = models.CharField(
        _("documento de control (tipo)"), max_length=12, blank=True
    )
    documento_control_numero = models.CharField(
        _("documento de control (número)"), max_length=40, blank=True
    )

    # An export is declared FOB: no freight or insurance (the despacho's pages read them).
    flete = ZERO
    seguro = ZERO

    class Meta:
        verbose_name = _("ítem de la DAE")
        verbose_name_plural = _("ítems de la DAE")
        ordering = ["dae", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["dae", "numero"], name="uniq_dae_item_numero")
        ]

    def __str__(self) -> str:
        return f"{self.numero}: {self.subpartida}"


class ControlExportacionQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on)))


class ControlExportacion(models.Model):
    """A documento de control required to export a subpartida (by prefix), dated."""

    subpartida_prefix = models.CharField(_("subpartida (prefijo)"), max_length=10)
    codigo = models.CharField(_("código del documento"), max_length=12)
    documento = models.CharField(_("documento de control"), max_length=200)
    documento_en = models.CharField(_("documento de control en inglés"), max_length=200, blank=True)
    entidad = models.CharField(_("entidad"), max_length=80)
    valid_from = models.DateField(_("vigencia desde"))
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    legal_basis = models.CharField(_("base legal"), max_length=300)
    sample = models.BooleanField(_("dato de muestra"), default=True)
    # The VUE document type that issues it (vue.TipoDocumento.code): the item's number must then
    # be a certificate of that type issued to the exporter (blank: referenced, not verified here).
    tipo_vue = models.CharField(_("tipo de documento VUE"), max_length=20, blank=True)

    objects = ControlExportacionQuerySet.as_manager()

    class Meta:
        verbose_name = _("documento de control de exportación")
        verbose_name_plural = _("documentos de control de exportación")
        ordering = ["subpartida_prefix", "codigo", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["subpartida_prefix", "codigo", "valid_from"], name="uniq_control_export"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subpartida_prefix} {self.codigo} ({self.entidad})"


class InformeBase(models.Model):
    """What the depósito reports of the goods of one DAE (ingreso or salida)."""

    deposito = models.ForeignKey(
        "accounts.OceCode", on_delete=models.PROTECT, related_name="+", verbose_name=_("depósito")
    )
    bultos = models.PositiveIntegerField(_("bultos"))
    peso_bruto = models.DecimalField(
        _("peso bruto (kg)"), max_digits=16, decimal_places=3, validators=[NOT_NEGATIVE]
    )
    contenedores = models.TextField(
        _("contenedores y sellos"),
        blank=True,
        help_text=_("Uno por línea: contenedor y sello (p. ej. MSKU1234565 / SELLO 00123)."),
    )
    fecha_hora = models.DateTimeField(_("fecha y hora"))
    observacion = models.TextField(_("observación"), blank=True)
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registrado_el = models.DateTimeField(_("registrado el"), auto_now_add=True)
    channel = models.CharField(_("canal"), max_length=1, default="P")

    class Meta:
        abstract = True


class IngresoExportacion(InformeBase):
    dae = models.OneToOneField(Dae, on_delete=models.CASCADE, related_name="ingreso")
    novedades = models.JSONField(_("novedades"), default=list, blank=True)

    class Meta:
        verbose_name = _("informe de ingreso de exportación")
        verbose_name_plural = _("informes de ingreso de exportación")

    def __str__(self) -> str:
        return f"{self.dae} {self.fecha_hora:%Y-%m-%d %H:%M}"


class SalidaExportacion(InformeBase):
    dae = models.OneToOneField(Dae, on_delete=models.CASCADE, related_name="salida")

    class Meta:
        verbose_name = _("informe de salida de exportación")
        verbose_name_plural = _("informes de salida de exportación")

    def __str__(self) -> str:
        return f"{self.dae} {self.fecha_hora:%Y-%m-%d %H:%M}"


class ManifiestoExportacion(models.Model):
    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="manifiesto_exportacion",
        verbose_name=_("e-doc"),
    )
    distrito = models.CharField(_("distrito aduanero"), max_length=3)
    via_transporte = models.CharField(
        _("vía de transporte"), max_length=10, choices=ViaTransporte.choices
    )
    transportista_ruc = models.CharField(_("RUC del transportista"), max_length=13)
    transportista_nombre = models.CharField(_("transportista"), max_length=300)
    nave_vuelo = models.CharField(_("nave o vuelo"), max_length=60)
    viaje = models.CharField(_("viaje"), max_length=20, blank=True)
    puerto_embarque = models.CharField(_("puerto o aeropuerto de embarque"), max_length=60)
    fecha_salida = models.DateTimeField(_("fecha y hora de salida"))
    tardio = models.BooleanField(_("transmitido fuera de plazo"), default=False)

    class Meta:
        verbose_name = _("manifiesto de exportación")
        verbose_name_plural = _("manifiestos de exportación")

    def __str__(self) -> str:
        return self.edoc.document_number or self.edoc.numero_entrega or f"MEX {self.pk}"


class DocumentoEmbarque(models.Model):
    """A transport document of the manifest (B/L, AWB) and the DAE whose goods it carries."""

    class Tipo(models.TextChoices):
        BL = "BL", _("Conocimiento de embarque (B/L)")
        AWB = "AWB", _("Guía aérea (AWB)")
        CRT = "CRT", _("Carta de porte (CRT)")

    manifiesto = models.ForeignKey(
        ManifiestoExportacion, on_delete=models.CASCADE, related_name="documentos"
    )
    numero = models.PositiveIntegerField(_("línea"))
    tipo = models.CharField(_("tipo"), max_length=3, choices=Tipo.choices)
    documento = models.CharField(_("número del documento de transporte"), max_length=40)
    dae_numero = models.CharField(_("número de DAE"), max_length=30)
    dae = models.ForeignKey(
        Dae, null=True, blank=True, on_delete=models.PROTECT, related_name="embarques"
    )
    bultos = models.PositiveIntegerField(_("bultos"))
    peso_bruto = models.DecimalField(
        _("peso bruto (kg)"), max_digits=16, decimal_places=3, validators=[NOT_NEGATIVE]
    )

    class Meta:
        verbose_name = _("documento de transporte del manifiesto")
        verbose_name_plural = _("documentos de transporte del manifiesto")
        ordering = ["manifiesto", "numero"]

    def __str__(self) -> str:
        return f"{self.tipo} {self.documento} → {self.dae_numero}"


class Regularizacion(models.Model):
    dae = models.OneToOneField(Dae, on_delete=models.CASCADE, related_name="regularizacion")
    documento_transporte = models.CharField(_("documento de transporte"), max_length=40)
    total_fob_final = models.DecimalField(
        _("valor FOB final (USD)"), max_digits=16, decimal_places=2, validators=[positive(2)]
    )
    peso_neto_final = models.DecimalField(
        _("peso neto final (kg)"), max_digits=16, decimal_places=3, validators=[NOT_NEGATIVE]
    )
    observacion = models.TextField(_("observación"), blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by_oce = models.ForeignKey(
        "accounts.OceCode", on_delete=models.PROTECT, related_name="+", verbose_name=_("código")
    )
    on = models.DateTimeField(_("regularizada el"), auto_now_add=True)

    class Meta:
        verbose_name = _("regularización de la DAE")
        verbose_name_plural = _("regularizaciones de DAE")

    def __str__(self) -> str:
        return str(self.dae)


class SolicitudAnulacionDae(models.Model):
    """The content of a DAE-ANU: the exporter's (or its broker's) request to annul a DAE whose
    goods have not left (rechazo / anulación), decided by a supervisor of the DAE's distrito."""

    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="solicitud_dae",
        verbose_name=_("e-doc"),
    )
    dae_referencia = models.CharField(_("DAE (número declarado)"), max_length=30)
    dae = models.ForeignKey(
        Dae, null=True, blank=True, on_delete=models.PROTECT, related_name="solicitudes"
    )
    motivo = models.TextField(_("motivo"))

    class Meta:
        verbose_name = _("solicitud de anulación de DAE")
        verbose_name_plural = _("solicitudes de anulación de DAE")

    def __str__(self) -> str:
        return f"{self.edoc.numero_entrega or self.pk} → {self.dae_referencia}"

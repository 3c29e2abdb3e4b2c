"""Import cargo: the manifest and its transport documents, the depósito temporal's events.

* ``Manifiesto`` — content of the e-doc MAN (filed by the transportista): the voyage or flight,
  the distrito and port of arrival, the estimated and the real arrival; the **MRN** assigned on
  acceptance; the late flag of COPCI reglamento art. 31 (``PlazoManifiesto``).
* ``DocumentoTransporte`` — a documento de transporte: a **master** (B/L or AWB) of a manifest
  with its **MSN** (``hsn`` "0000"), or a **house** under a master with its **HSN**, filed by the
  consolidadora (``Desconsolidacion``, content of MAN-H).
* ``CorreccionManifiesto`` — content of MAN-COR: a change of a manifested document, with reason.
* ``Descargo`` — the DAI that declared a document (one per DAI; the same cargo is not declared
  twice), written when the DAI is accepted and released when it is annulled.
* ``EventoCarga`` — what the depósito temporal records: IMDT (ingreso), novedades (faltante,
  sobrante, daño, sello roto) and salida; indexed for 2.11 by distrito and date.
* ``PlazoManifiesto`` / ``ControlCarga`` — dated rule rows with their legal basis.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MASTER_HSN = "0000"


class Modo(models.TextChoices):
    MARITIMO = "maritimo", _("Marítimo")
    AEREO = "aereo", _("Aéreo")


class Trayecto(models.TextChoices):
    LARGO = "largo", _("Trayecto largo")
    CORTO = "corto", _("Puerto cercano / vuelo corto")


class DatedQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(vigente_desde__lte=on).filter(
            models.Q(vigente_hasta__isnull=True) | models.Q(vigente_hasta__gte=on)
        )


class PlazoManifiesto(models.Model):
    """How many hours before the arrival a manifest is due (COPCI reglamento art. 31)."""

    modo = models.CharField(_("modo de transporte"), max_length=10, choices=Modo.choices)
    trayecto = models.CharField(_("trayecto"), max_length=10, choices=Trayecto.choices)
    horas_antes = models.PositiveIntegerField(_("horas antes de la llegada"))
    vigente_desde = models.DateField(_("vigente desde"))
    vigente_hasta = models.DateField(_("vigente hasta"), null=True, blank=True)
    base_legal = models.CharField(_("base legal"), max_length=300)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plazo de transmisión del manifiesto")
        verbose_name_plural = _("plazos de transmisión del manifiesto")
        constraints = [
            models.UniqueConstraint(
                fields=["modo", "trayecto", "vigente_desde"], name="uniq_plazo_manifiesto"
            )
        ]

    def __str__(self) -> str:
        return f"{self.modo}/{self.trayecto}: {self.horas_antes} h"


class ControlCarga(models.Model):
    """From when a DAI must name manifested cargo, and the weight tolerance."""

    vigente_desde = models.DateField(_("vigente desde (llegada de la carga)"))
    vigente_hasta = models.DateField(_("vigente hasta"), null=True, blank=True)
    tolerancia_peso_pct = models.DecimalField(
        _("tolerancia de peso (%)"), max_digits=5, decimal_places=2, default=Decimal("5")
    )
    # The term the arrival starts: the DAI is due within these calendar days (then abandono
    # tácito, COPCI art. 142 lit. a; the payments issue acts on it).
    dias_para_declarar = models.PositiveIntegerField(
        _("días para declarar desde la llegada"), default=30
    )
    base_legal = models.CharField(_("base legal"), max_length=300)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("control de carga de la DAI")
        verbose_name_plural = _("controles de carga de la DAI")
        constraints = [
            models.UniqueConstraint(fields=["vigente_desde"], name="uniq_control_carga_desde")
        ]

    def __str__(self) -> str:
        return f"{self.vigente_desde} ±{self.tolerancia_peso_pct} %"


class Manifiesto(models.Model):
    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="manifiesto_carga",
        verbose_name=_("documento"),
    )
    modo = models.CharField(_("modo de transporte"), max_length=10, choices=Modo.choices)
    trayecto = models.CharField(
        _("trayecto"), max_length=10, choices=Trayecto.choices, default=Trayecto.LARGO
    )
    transportista_codigo = models.CharField(
        _("código del transportista (SCAC / IATA)"), max_length=4
    )
    medio_nombre = models.CharField(_("medio de transporte"), max_length=100)
    medio_identificacion = models.CharField(_("IMO o número de vuelo"), max_length=20)
    viaje = models.CharField(_("viaje"), max_length=20, blank=True)
    distrito = models.CharField(_("distrito aduanero de llegada"), max_length=3)
    puerto_embarque = models.CharField(_("puerto de embarque"), max_length=5)
    puerto_llegada = models.CharField(_("puerto de llegada"), max_length=5)
    fecha_estimada_llegada = models.DateTimeField(_("fecha estimada de llegada"))
    mrn = models.CharField(_("MRN"), max_length=20, null=True, blank=True, unique=True)
    tardio = models.BooleanField(_("transmitido fuera de plazo"), default=False)
    motivo_tardio = models.CharField(_("código de la novedad de plazo"), max_length=10, blank=True)
    limite_transmision = models.DateTimeField(_("límite de transmisión"), null=True, blank=True)
    fecha_llegada = models.DateTimeField(_("fecha-hora real de llegada"), null=True, blank=True)

    class Meta:
        verbose_name = _("manifiesto de carga")
        verbose_name_plural = _("manifiestos de carga")
        indexes = [
            # 2.11 «Consulta de llegada de medios de transporte»: a distrito's arrivals by date.
            models.Index(fields=["distrito", "fecha_llegada"], name="carga_man_llegada"),
            # The abandono tácito's daily search of cargo not declared in time (obligaciones).
            models.Index(fields=["fecha_llegada"], name="carga_man_llegada_fecha"),
        ]

    def __str__(self) -> str:
        return self.mrn or f"{self.medio_nombre} {self.viaje}"

    @property
    def aceptado(self) -> bool:
        return bool(self.mrn)


class Desconsolidacion(models.Model):
    """The consolidadora's houses under one master (content of MAN-H)."""

    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="desconsolidacion",
        verbose_name=_("documento"),
    )
    mrn = models.CharField(_("MRN"), max_length=20)
    msn = models.CharField(_("MSN del documento madre"), max_length=4)
    madre = models.ForeignKey(
        "DocumentoTransporte",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="desconsolidaciones",
        verbose_name=_("documento madre"),
    )

    class Meta:
        verbose_name = _("desconsolidación")
        verbose_name_plural = _("desconsolidaciones")

    def __str__(self) -> str:
        return f"{self.mrn}/{self.msn}"


class DocumentoTransporte(models.Model):
    manifiesto = models.ForeignKey(
        Manifiesto,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documentos",
        verbose_name=_("manifiesto"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    desconsolidacion = models.ForeignKey(
        Desconsolidacion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hijos",
        verbose_name=_("desconsolidación"),
    )
    madre = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hijos",
        verbose_name=_("documento madre"),
    )
    msn = models.CharField(_("MSN"), max_length=4, blank=True)
    hsn = models.CharField(_("HSN"), max_length=4, blank=True)
    numero = models.CharField(_("número del B/L o AWB"), max_length=35)
    embarcador = models.CharField(_("embarcador"), max_length=200)
    consignatario_ruc = models.CharField(_("RUC del consignatario"), max_length=13, blank=True)
    consignatario_nombre = models.CharField(_("consignatario"), max_length=300)
    deposito = models.ForeignKey(
        "accounts.OceCode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carga_consignada",
        verbose_name=_("depósito temporal"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    deposito_codigo = models.CharField(_("código del depósito temporal"), max_length=8)
    bultos = models.PositiveIntegerField(_("bultos"))
    peso = models.DecimalField(_("peso bruto (kg)"), max_digits=14, decimal_places=3)
    volumen = models.DecimalField(
        _("volumen (m³)"), max_digits=14, decimal_places=3, default=Decimal("0")
    )
    descripcion = models.CharField(_("descripción de la mercancía"), max_length=500)
    flete = models.DecimalField(_("flete (USD)"), max_digits=16, decimal_places=2)
    # [{"numero": "MSCU1234565", "sellos": ["ML-123"]}]
    contenedores = models.JSONField(_("contenedores y sellos"), default=list, blank=True)

    class Meta:
        verbose_name = _("documento de transporte")
        verbose_name_plural = _("documentos de transporte")
        ordering = ["msn", "hsn", "id"]
        indexes = [
            models.Index(fields=["manifiesto", "msn", "hsn"], name="carga_doc_msn_hsn"),
            models.Index(fields=["deposito", "id"], name="carga_doc_deposito"),
            models.Index(fields=["consignatario_ruc"], name="carga_doc_consignatario"),
        ]
        constraints = [
            # Unique once numbered (houses get their HSN on acceptance).
            models.UniqueConstraint(
                fields=["manifiesto", "msn", "hsn"],
                condition=~models.Q(hsn=""),
                name="uniq_carga_doc_msn_hsn",
            )
        ]

    def __str__(self) -> str:
        mrn = self.manifiesto.mrn if self.manifiesto_id and self.manifiesto.mrn else "—"
        return f"{mrn}/{self.msn or '—'}/{self.hsn or '—'} {self.numero}"

    @property
    def es_hijo(self) -> bool:
        return self.madre_id is not None

    @property
    def referencia(self) -> str:
        mrn = self.manifiesto.mrn if self.manifiesto_id else ""
        return f"{mrn or '—'} / {self.msn or '—'} / {self.hsn or '—'}"


class CorreccionManifiesto(models.Model):
    """A change of a manifested document requested by whoever filed it (content of MAN-COR)."""

    class Motivo(models.TextChoices):
        ERROR_DIGITACION = "01", _("Error de digitación")
        CAMBIO_CONSIGNATARIO = "02", _("Cambio de consignatario")
        CANTIDADES = "03", _("Bultos o peso mal manifestados")
        FLETE = "04", _("Flete mal manifestado")
        OTRO = "99", _("Otro")

    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="correccion_manifiesto",
        verbose_name=_("documento"),
    )
    mrn = models.CharField(_("MRN"), max_length=20)
    msn = models.CharField(_("MSN"), max_length=4)
    hsn = models.CharField(_("HSN"), max_length=4, default=MASTER_HSN)
    documento = models.ForeignKey(
        DocumentoTransporte,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correcciones",
        verbose_name=_("documento de transporte"),
    )
    motivo_codigo = models.CharField(_("motivo"), max_length=2, choices=Motivo.choices)
    motivo = models.TextField(_("justificación"))
    cambios = models.JSONField(_("cambios"), default=dict)
    anteriores = models.JSONField(_("valores anteriores"), default=dict, blank=True)

    class Meta:
        verbose_name = _("corrección de manifiesto")
        verbose_name_plural = _("correcciones de manifiesto")

    def __str__(self) -> str:
        return f"{self.mrn}/{self.msn}/{self.hsn}"


class Descargo(models.Model):
    """The DAI that declared a transport document (written when the DAI is accepted)."""

    documento = models.ForeignKey(
        DocumentoTransporte, on_delete=models.PROTECT, related_name="descargos"
    )
    dai = models.OneToOneField(
        "edocs.EDocument", on_delete=models.CASCADE, related_name="descargo_carga"
    )
    peso = models.DecimalField(_("peso declarado (kg)"), max_digits=16, decimal_places=3)
    flete = models.DecimalField(_("flete declarado (USD)"), max_digits=16, decimal_places=2)
    el = models.DateTimeField(_("descargado el"), default=timezone.now)

    class Meta:
        verbose_name = _("descargo de la carga")
        verbose_name_plural = _("descargos de la carga")

    def __str__(self) -> str:
        return f"{self.documento_id} ← {self.dai_id}"


class EventoCarga(models.Model):
    class Tipo(models.TextChoices):
        INGRESO = "ingreso", _("Ingreso (IMDT)")
        NOVEDAD = "novedad", _("Novedad")
        SALIDA = "salida", _("Salida")

    class Fase(models.TextChoices):
        INGRESO = "ingreso", _("Ingreso")
        ALMACENAMIENTO = "almacenamiento", _("Almacenamiento")
        SALIDA = "salida", _("Salida")

    class Novedad(models.TextChoices):
        FALTANTE = "faltante", _("Faltante")
        SOBRANTE = "sobrante", _("Sobrante")
        DANIO = "danio", _("Daño")
        SELLO = "sello_roto", _("Sello roto o distinto")

    numero = models.CharField(_("número de entrega"), max_length=30, unique=True)
    tipo = models.CharField(_("tipo"), max_length=10, choices=Tipo.choices)
    fase = models.CharField(_("fase"), max_length=16, choices=Fase.choices)
    novedad = models.CharField(_("novedad"), max_length=12, choices=Novedad.choices, blank=True)
    documento = models.ForeignKey(
        DocumentoTransporte,
        on_delete=models.PROTECT,
        related_name="eventos",
        verbose_name=_("documento de transporte"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    deposito = models.ForeignKey(
        "accounts.OceCode",
        on_delete=models.PROTECT,
        related_name="eventos_carga",
        verbose_name=_("depósito temporal"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    # Denormalised for 2.11 (filters and «Búsqueda en resultados»).
    distrito = models.CharField(_("distrito aduanero"), max_length=3)
    mrn = models.CharField(_("MRN"), max_length=20)
    carga = models.CharField(_("número de carga (MRN/MSN/HSN)"), max_length=30)
    bultos = models.IntegerField(_("bultos"), default=0)
    peso = models.DecimalField(
        _("peso (kg)"), max_digits=14, decimal_places=3, default=Decimal("0")
    )
    diferencia_bultos = models.IntegerField(_("diferencia de bultos"), default=0)
    diferencia_peso = models.DecimalField(
        _("diferencia de peso (kg)"), max_digits=14, decimal_places=3, default=Decimal("0")
    )
    contenedores = models.JSONField(_("contenedores y sellos"), default=list, blank=True)
    observacion = models.TextField(_("observación"), blank=True)
    dai = models.ForeignKey(
        "edocs.EDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="eventos_carga",
        verbose_name=_("declaración"),
    )
    fecha_hora = models.DateTimeField(_("fecha-hora de la novedad"))
    registrado_el = models.DateTimeField(_("fecha del informe"), default=timezone.now)
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrado por"),
    )

    class Meta:
        verbose_name = _("evento de carga en depósito")
        verbose_name_plural = _("eventos de carga en depósito")
        ordering = ["-fecha_hora", "-id"]
        indexes = [
            # 2.11 «Consulta de Informe de Novedades»: distrito + date range, newest first.
            models.Index(fields=["distrito", "-fecha_hora", "-id"], name="carga_evt_distrito"),
            models.Index(fields=["deposito", "-fecha_hora", "-id"], name="carga_evt_deposito"),
            models.Index(fields=["documento", "fecha_hora"], name="carga_evt_documento"),
            # The abandono tácito's daily search of cargo stored beyond its term (obligaciones).
            models.Index(fields=["tipo", "fecha_hora"], name="carga_evt_tipo_fecha"),
        ]

    def __str__(self) -> str:
        return self.numero

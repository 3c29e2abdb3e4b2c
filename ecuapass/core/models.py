"""Shared building blocks: audit fields, reference catalogs, numbering sequences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditedModel(models.Model):
    """created/modified by and on, on every business model."""

    created_on = models.DateTimeField(_("creado el"), auto_now_add=True)
    modified_on = models.DateTimeField(_("modificado el"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modificado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class ActiveCatalogQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Catalog(models.Model):
    """A reference list entry: a code, a Spanish name, an English name, active or not.

    Catalogs are loaded from versioned files under ``core/data`` by
    ``manage.py load_reference_data`` and stay editable in the admin.
    """

    code = models.CharField(_("código"), max_length=16, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    name_en = models.CharField(_("nombre en inglés"), max_length=200, blank=True)
    active = models.BooleanField(_("activo"), default=True)

    objects = ActiveCatalogQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"

    @property
    def localized_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "es").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Capability(models.TextChoices):
    """What a tipo de OCE may do: the rules ask this, never a type's code."""

    TITULAR = "titular", _("Titular de la mercancía (importa/exporta a su nombre)")
    AGENTE_ADUANA = "agente_aduana", _("Declara por cuenta de sus clientes (agente de aduana)")
    DEPOSITO = "deposito", _("Opera un depósito (temporal o aduanero)")
    CONSOLIDADORA = "consolidadora", _("Consolida y desconsolida carga")
    AGENTE_CARGA = "agente_carga", _("Agente de carga")
    TRANSPORTISTA = "transportista", _("Transportista (marítimo, aéreo o terrestre)")
    COURIER = "courier", _("Courier / correos")


class OceTypeQuerySet(ActiveCatalogQuerySet):
    def with_capability(self, capability: str):
        """Types holding ``capability`` (the catalog is small: filtered by code)."""
        codes = [t.code for t in self.all() if t.has(capability)]
        return self.filter(code__in=codes)


class OceType(Catalog):
    """Tipo de OCE (operador de comercio exterior), with what it may do (``Capability``)."""

    capabilities = models.CharField(
        _("capacidades"),
        max_length=200,
        blank=True,
        help_text=_("Códigos de capacidad separados por espacios (titular, agente_aduana…)."),
    )

    objects = OceTypeQuerySet.as_manager()

    class Meta(Catalog.Meta):
        verbose_name = _("tipo de OCE")
        verbose_name_plural = _("tipos de OCE")

    def has(self, capability: str) -> bool:
        return capability in self.capabilities.split()


class CustomsDistrict(Catalog):
    """Distrito aduanero (3 digits whose sum is 10)."""

    class Meta(Catalog.Meta):
        verbose_name = _("distrito aduanero")
        verbose_name_plural = _("distritos aduaneros")


class CustomsRegime(Catalog):
    """Régimen aduanero (10 consumo, 40 exportación definitiva…)."""

    class Flow(models.TextChoices):
        IMPORT = "import", _("Importación")
        EXPORT = "export", _("Exportación")
        OTHER = "other", _("Otro")

    flow = models.CharField(_("flujo"), max_length=8, choices=Flow.choices, default=Flow.IMPORT)

    class Meta(Catalog.Meta):
        verbose_name = _("régimen aduanero")
        verbose_name_plural = _("regímenes aduaneros")


class IdentityDocumentType(Catalog):
    """Tipo de documento de identidad (RUC, cédula, pasaporte…)."""

    class Meta(Catalog.Meta):
        verbose_name = _("tipo de documento de identidad")
        verbose_name_plural = _("tipos de documento de identidad")


class Country(Catalog):
    """País (ISO 3166-1 alfa-2 as code, Spanish name)."""

    alpha3 = models.CharField(_("alfa-3"), max_length=3, blank=True)

    class Meta(Catalog.Meta):
        verbose_name = _("país")
        verbose_name_plural = _("países")


class Currency(Catalog):
    """Moneda (ISO 4217)."""

    class Meta(Catalog.Meta):
        verbose_name = _("moneda")
        verbose_name_plural = _("monedas")


class UnitOfMeasure(Catalog):
    """Unidad de medida (física o comercial)."""

    class Meta(Catalog.Meta):
        verbose_name = _("unidad de medida")
        verbose_name_plural = _("unidades de medida")


class Incoterm(Catalog):
    """Incoterms 2020."""

    class Meta(Catalog.Meta):
        verbose_name = _("Incoterm")
        verbose_name_plural = _("Incoterms")


class Sequence(models.Model):
    """A gap-free counter per key (e.g. an OCE code and a year).

    Taken under a row lock by ``core.numbering.next_value`` inside the caller's
    transaction, so numbers never repeat or skip under concurrency.
    """

    key = models.CharField(max_length=100, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("secuencia")
        verbose_name_plural = _("secuencias")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class WorkerHeartbeat(models.Model):
    """One row per worker process (``manage.py run_worker``), refreshed every few seconds.

    Recovery (``core.jobs``) takes a worker silent for longer than
    ``ECUAPASS_WORKER_STALE_SECONDS``, or stopped, as dead and puts the job it held back in
    the queue; /healthz reports each worker's freshness.
    """

    worker = models.CharField(_("trabajador"), max_length=64, unique=True)
    host = models.CharField(_("equipo"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("proceso"), null=True, blank=True)
    queues = models.CharField(_("colas"), max_length=255, blank=True)
    started_on = models.DateTimeField(_("iniciado el"), default=timezone.now)
    seen_on = models.DateTimeField(_("visto el"), default=timezone.now, db_index=True)
    stopped_on = models.DateTimeField(_("detenido el"), null=True, blank=True)
    job = models.CharField(_("trabajo en curso"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("latido del trabajador")
        verbose_name_plural = _("latidos del trabajador")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_on:%Y-%m-%d %H:%M:%S}"

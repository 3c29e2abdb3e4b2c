"""The requests' content, their attachments and the versions of a DAI.

* ``Solicitud`` — the content of the three e-doc types (one table: what differs is the type's
  serializer and lifecycle): the DAI referred to, as declared and as resolved within what the
  filer may see; the reasons; for a corrección or sustitutiva the proposed header values and
  items in the DAI payload's own shape; for an anulación its causal; the officer's decision.
* ``Adjunto`` — a digitised file of the request (PDF/JPEG/PNG sniffed from its bytes and stored
  outside the web root by ``ecuapass.despacho.files``).
* ``DaiVersion`` — one approved change of a DAI: its payload before and after, the diff field by
  field, the liquidación before and after, who, when, why, and the request that caused it.
  Version 1 is the DAI as accepted (its envío); each approval adds the next number.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Causal(models.TextChoices):
    """Why an anulación is requested."""

    CARGA_NO_ARRIBO = "carga_no_arribo", _("La carga no arribó")
    DUPLICADA = "duplicada", _("Declaración duplicada")
    REEMBARQUE = "reembarque", _("Reembarque de la mercancía")
    OTRA = "otra", _("Otra causa")


class Solicitud(models.Model):
    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="solicitud_dai",
        verbose_name=_("documento"),
    )
    # The DAI as declared by the filer, and as resolved within what the filer may see (else null:
    # the engine rejects the request with an observación, revealing nothing of other OCEs).
    dai_numero_documento = models.CharField(
        _("número de documento de la DAI"), max_length=30, blank=True
    )
    dai_numero_entrega = models.CharField(
        _("número de entrega de la DAI"), max_length=21, blank=True
    )
    dai = models.ForeignKey(
        "edocs.EDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="solicitudes_dai",
        verbose_name=_("declaración"),
    )
    motivo = models.TextField(_("motivos"))
    causal = models.CharField(_("causal"), max_length=20, choices=Causal.choices, blank=True)
    # Proposed changes in the DAI payload's shape (customs.services.payload_of): header values
    # that change, and the complete new list of items (null: the items do not change).
    cabecera = models.JSONField(_("cambios de cabecera"), default=dict, blank=True)
    items = models.JSONField(_("ítems propuestos"), null=True, blank=True)
    # The DAI's version the changes were proposed against (approval refuses a stale one).
    version_base = models.PositiveIntegerField(_("versión de la DAI"), default=1)
    decidida_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decidida por"),
    )
    decidida_el = models.DateTimeField(_("decidida el"), null=True, blank=True)
    nota_decision = models.TextField(_("nota de la decisión"), blank=True)

    class Meta:
        verbose_name = _("solicitud sobre una DAI")
        verbose_name_plural = _("solicitudes sobre DAI")

    def __str__(self) -> str:
        return str(self.edoc)

    @property
    def dai_referencia(self) -> str:
        return self.dai_numero_documento or self.dai_numero_entrega


class Adjunto(models.Model):
    """A digitised file, stored under ``ECUAPASS_UPLOADS_DIR`` with a random name."""

    solicitud = models.ForeignKey(
        Solicitud, on_delete=models.CASCADE, related_name="adjuntos", verbose_name=_("solicitud")
    )
    stored_name = models.CharField(max_length=120, unique=True, editable=False)
    original_name = models.CharField(_("nombre del archivo"), max_length=200)
    content_type = models.CharField(_("tipo de contenido"), max_length=40)
    size = models.PositiveIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_on = models.DateTimeField(_("subido el"), default=timezone.now)

    class Meta:
        verbose_name = _("adjunto de la solicitud")
        verbose_name_plural = _("adjuntos de las solicitudes")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class DaiVersion(models.Model):
    dai = models.ForeignKey(
        "edocs.EDocument",
        on_delete=models.PROTECT,
        related_name="versiones_dai",
        verbose_name=_("declaración"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    numero = models.PositiveIntegerField(_("versión"))
    # None: written by the técnico aforador during the aforo (``services.correct_in_aforo``).
    solicitud = models.OneToOneField(
        Solicitud,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="version",
        verbose_name=_("solicitud"),
    )
    antes = models.JSONField(_("declaración antes del cambio"))
    despues = models.JSONField(_("declaración después del cambio"))
    # [{"campo": "items[2].fob", "antes": "100.00", "despues": "120.00"}, ...]
    cambios = models.JSONField(_("cambios campo por campo"), default=list)
    liquidacion_antes = models.JSONField(_("liquidación antes del cambio"), default=dict)
    liquidacion_despues = models.JSONField(_("liquidación después del cambio"), default=dict)
    diferencia_tributos = models.DecimalField(
        _("diferencia de tributos (USD)"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    motivo = models.TextField(_("motivos"))
    nota = models.TextField(_("nota de la decisión"), blank=True)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aprobada por"),
    )
    por_rol = models.CharField(_("rol"), max_length=40, blank=True)
    el = models.DateTimeField(_("fecha-hora"), default=timezone.now)

    class Meta:
        verbose_name = _("versión de la DAI")
        verbose_name_plural = _("versiones de la DAI")
        ordering = ["dai", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["dai", "numero"], name="uniq_dai_version_numero")
        ]

    def __str__(self) -> str:
        return f"{self.dai} v{self.numero}"

    @property
    def sube_tributos(self) -> bool:
        return self.diferencia_tributos > 0

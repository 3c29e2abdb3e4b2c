"""The aforo of one declaration and everything that happens in it.

* ``AforoCase`` — one per DAI sent to a canal other than automático: its canal, distrito, the
  técnico it is assigned to, the deadline, the cierre.
* ``DocumentRequest`` — documentos de soporte the técnico asks for; ``Attachment`` — a file the
  operator uploads (answering a request or an observación), stored outside the web root.
* ``Inspection`` — a físico: when, where (and the depósito temporal told), then its result.
* ``Observation`` — what the técnico asks the operator to answer, and the answer.
* ``Correction`` — a field of the declaration or of an item the técnico corrects; the operator
  accepts or disputes it.
* ``Reliquidacion`` (+ ``ReliquidacionTributo``) — the liquidación with the corrected data; a
  **liquidación complementaria** when the duties rise, with its own number.
* ``TipoDocumentoSoporte``, ``TarifaMulta`` (effective-dated) — catalogs; ``Multa`` — one
  infracción with the amount and legal basis in force.
* ``AforoEvent`` — the audit trail of every action (who, role, IP, when, what): the timeline.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecuapass.core.models import Catalog
from ecuapass.edocs.states import CanalAforo

ZERO = Decimal("0")


def money_field(label, **kwargs):
    return models.DecimalField(label, max_digits=16, decimal_places=2, **kwargs)


# --- catalogs ------------------------------------------------------------------------------
class TipoDocumentoSoporte(Catalog):
    """Documento de soporte (factura comercial, documento de transporte, póliza de seguro…)."""

    class Meta(Catalog.Meta):
        verbose_name = _("tipo de documento de soporte")
        verbose_name_plural = _("tipos de documento de soporte")


class TarifaMultaQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(
            Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on)), active=True
        )


class TarifaMulta(models.Model):
    """One dated version of a catalogued multa: what the infracción is, how much, on what basis."""

    code = models.CharField(_("código"), max_length=16)
    name = models.CharField(_("infracción"), max_length=300)
    name_en = models.CharField(_("infracción en inglés"), max_length=300, blank=True)
    legal_basis = models.CharField(_("base legal"), max_length=300)
    amount = money_field(_("monto (USD)"))
    valid_from = models.DateField(_("vigencia desde"))
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    active = models.BooleanField(_("activo"), default=True)

    objects = TarifaMultaQuerySet.as_manager()

    class Meta:
        verbose_name = _("multa del catálogo")
        verbose_name_plural = _("catálogo de multas")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="uniq_tarifa_multa_vigencia"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.localized_name} ({self.amount} USD)"

    @property
    def localized_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "es").startswith("en") and self.name_en:
            return self.name_en
        return self.name


# --- the case ------------------------------------------------------------------------------
class Resultado(models.TextChoices):
    CONFORME = "conforme", _("Conforme")
    CON_NOVEDAD = "con_novedad", _("Con novedad")


class AforoCase(models.Model):
    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="aforo_case",
        verbose_name=_("documento"),
    )
    canal = models.CharField(_("canal de aforo"), max_length=20, choices=CanalAforo.choices)
    distrito = models.CharField(_("distrito aduanero"), max_length=3)
    # Denormalised from the accepted (immutable) DAI for the bandeja and the multas.
    importer_ruc = models.CharField(_("RUC del importador"), max_length=13, db_index=True)
    importer_name = models.CharField(_("importador"), max_length=300, blank=True)
    tecnico = models.ForeignKey(
        "officers.Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aforo_cases",
        verbose_name=_("técnico aforador"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    opened_on = models.DateTimeField(_("abierto el"), default=timezone.now)
    assigned_on = models.DateTimeField(_("asignado el"), null=True, blank=True)
    due_on = models.DateTimeField(_("plazo"))
    started_on = models.DateTimeField(_("aforo iniciado el"), null=True, blank=True)
    closed_on = models.DateTimeField(_("cerrado el"), null=True, blank=True)
    resultado = models.CharField(
        _("resultado"), max_length=12, choices=Resultado.choices, blank=True
    )
    cierre_note = models.TextField(_("informe de cierre"), blank=True)

    class Meta:
        verbose_name = _("trámite de aforo")
        verbose_name_plural = _("trámites de aforo")
        ordering = ["due_on", "id"]
        indexes = [
            # The bandeja: a distrito's (or a técnico's) open cases, the most urgent first.
            models.Index(fields=["distrito", "closed_on", "due_on"], name="aforo_distrito_due"),
            models.Index(fields=["tecnico", "closed_on", "due_on"], name="aforo_tecnico_due"),
        ]

    def __str__(self) -> str:
        return self.edoc.document_number or str(self.edoc)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.now()


# --- documents and files -------------------------------------------------------------------
class DocumentRequest(models.Model):
    class Status(models.TextChoices):
        PENDIENTE = "pendiente", _("Pendiente")
        ENTREGADO = "entregado", _("Entregado")

    case = models.ForeignKey(
        AforoCase, on_delete=models.CASCADE, related_name="requests", verbose_name=_("trámite")
    )
    tipo = models.ForeignKey(
        TipoDocumentoSoporte,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("documento de soporte"),
    )
    note = models.TextField(_("indicaciones"), blank=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.PENDIENTE
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateTimeField(_("solicitado el"), default=timezone.now)
    delivered_on = models.DateTimeField(_("entregado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("solicitud de documento")
        verbose_name_plural = _("solicitudes de documentos")
        ordering = ["requested_on", "id"]

    def __str__(self) -> str:
        return str(self.tipo.localized_name)


class Attachment(models.Model):
    """A digitised file, stored under ``ECUAPASS_UPLOADS_DIR`` with a random name."""

    case = models.ForeignKey(
        AforoCase, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("trámite")
    )
    request = models.ForeignKey(
        DocumentRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    observation = models.ForeignKey(
        "Observation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    stored_name = models.CharField(max_length=120, unique=True, editable=False)
    original_name = models.CharField(_("nombre del archivo"), max_length=200)
    content_type = models.CharField(_("tipo de contenido"), max_length=40)
    size = models.PositiveIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_oce = models.ForeignKey(
        "accounts.OceCode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_on = models.DateTimeField(_("subido el"), default=timezone.now)

    class Meta:
        verbose_name = _("archivo del trámite")
        verbose_name_plural = _("archivos del trámite")
        ordering = ["uploaded_on", "id"]

    def __str__(self) -> str:
        return self.original_name


# --- inspection, observations, corrections ---------------------------------------------------
class Inspection(models.Model):
    class Outcome(models.TextChoices):
        SIN_NOVEDAD = "sin_novedad", _("Sin novedad")
        CON_NOVEDAD = "con_novedad", _("Con novedad")

    case = models.ForeignKey(
        AforoCase, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("trámite")
    )
    scheduled_for = models.DateTimeField(_("fecha y hora"))
    place = models.CharField(_("lugar"), max_length=300)
    deposito = models.ForeignKey(
        "accounts.OceCode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("depósito temporal"),
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_on = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("resultado"), max_length=12, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("hallazgos"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateTimeField(_("registrado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspección")
        verbose_name_plural = _("inspecciones")
        ordering = ["scheduled_for", "id"]

    def __str__(self) -> str:
        return f"{self.scheduled_for:%Y-%m-%d %H:%M} {self.place}"


class Observation(models.Model):
    case = models.ForeignKey(
        AforoCase, on_delete=models.CASCADE, related_name="observations", verbose_name=_("trámite")
    )
    text = models.TextField(_("observación"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("respuesta"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateTimeField(_("respondida el"), null=True, blank=True)

    class Meta:
        verbose_name = _("observación de aforo")
        verbose_name_plural = _("observaciones de aforo")
        ordering = ["raised_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def answered(self) -> bool:
        return self.answered_on is not None


class Correction(models.Model):
    class Status(models.TextChoices):
        PROPUESTA = "propuesta", _("Propuesta")
        ACEPTADA = "aceptada", _("Aceptada por el operador")
        IMPUGNADA = "impugnada", _("Impugnada por el operador")
        RETIRADA = "retirada", _("Retirada")

    case = models.ForeignKey(
        AforoCase, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("trámite")
    )
    item_numero = models.PositiveIntegerField(_("ítem"), null=True, blank=True)
    field = models.CharField(_("campo"), max_length=30)
    old_value = models.CharField(_("valor declarado"), max_length=100)
    new_value = models.CharField(_("valor corregido"), max_length=100)
    reason = models.TextField(_("motivo"))
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.PROPUESTA
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateTimeField(default=timezone.now)
    response = models.TextField(_("respuesta del operador"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("corrección de aforo")
        verbose_name_plural = _("correcciones de aforo")
        ordering = ["proposed_on", "id"]

    def __str__(self) -> str:
        return f"{self.item_numero or '-'} {self.field}: {self.old_value} → {self.new_value}"

    @property
    def in_effect(self) -> bool:
        return self.status != self.Status.RETIRADA

    @property
    def field_label(self) -> str:
        from .corrections import FIELDS

        spec = FIELDS.get(self.field)
        return str(spec.label) if spec else self.field


# --- re-liquidation and multas -----------------------------------------------------------------
class Reliquidacion(models.Model):
    """The DAI liquidated again with the corrections of the aforo (one per case).

    ``numero`` is set when the duties rose: it is then a liquidación complementaria.
    """

    case = models.OneToOneField(
        AforoCase, on_delete=models.CASCADE, related_name="reliquidacion", verbose_name=_("trámite")
    )
    numero = models.CharField(_("número de liquidación complementaria"), max_length=30, blank=True)
    fecha = models.DateField(_("fecha de cálculo (tarifa aplicada)"))
    total_original = money_field(_("tributos liquidados"))
    total_corregido = money_field(_("tributos con las correcciones"))
    diferencia = money_field(_("diferencia"))
    detalle = models.JSONField(_("detalle del cálculo corregido"), default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateTimeField(_("emitida el"), default=timezone.now)

    class Meta:
        verbose_name = _("reliquidación de aforo")
        verbose_name_plural = _("reliquidaciones de aforo")
        constraints = [
            models.UniqueConstraint(
                fields=["numero"], condition=~Q(numero=""), name="uniq_liq_complementaria_numero"
            )
        ]

    def __str__(self) -> str:
        return self.numero or str(self.case)

    @property
    def is_complementaria(self) -> bool:
        return bool(self.numero)


class ReliquidacionTributo(models.Model):
    reliquidacion = models.ForeignKey(
        Reliquidacion,
        on_delete=models.CASCADE,
        related_name="tributos",
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    tributo = models.CharField(_("tributo"), max_length=20)
    original = money_field(_("liquidado"))
    corregido = money_field(_("corregido"))
    diferencia = money_field(_("diferencia"))

    class Meta:
        verbose_name = _("tributo reliquidado")
        verbose_name_plural = _("tributos reliquidados")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reliquidacion", "tributo"], name="uniq_reliquidacion_tributo"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tributo}: {self.diferencia}"

    @property
    def label(self) -> str:
        from .corrections import TRIBUTE_LABELS

        return str(TRIBUTE_LABELS.get(self.tributo, self.tributo))


class Multa(models.Model):
    case = models.ForeignKey(
        AforoCase, on_delete=models.CASCADE, related_name="multas", verbose_name=_("trámite")
    )
    tarifa = models.ForeignKey(
        TarifaMulta, on_delete=models.PROTECT, related_name="+", verbose_name=_("multa")
    )
    # Copied from the catalog row in force: the act keeps what was imposed.
    code = models.CharField(_("código"), max_length=16)
    name = models.CharField(_("infracción"), max_length=300)
    legal_basis = models.CharField(_("base legal"), max_length=300)
    amount = money_field(_("monto (USD)"))
    importer_ruc = models.CharField(_("RUC del importador"), max_length=13)
    note = models.TextField(_("motivación"), blank=True)
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imposed_on = models.DateTimeField(_("impuesta el"), default=timezone.now)

    class Meta:
        verbose_name = _("multa")
        verbose_name_plural = _("multas")
        ordering = ["imposed_on", "id"]
        indexes = [models.Index(fields=["importer_ruc", "imposed_on"], name="multa_importer")]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"


# --- audit trail -----------------------------------------------------------------------------
class AforoEvent(models.Model):
    """One action in the trámite: who (user, role, OCE), from where, when, what."""

    class Kind(models.TextChoices):
        ASIGNADO = "asignado", _("Asignado a un técnico")
        REASIGNADO = "reasignado", _("Reasignado")
        DOCUMENTOS = "documentos", _("Documentos solicitados")
        ARCHIVO = "archivo", _("Documento entregado")
        INSPECCION = "inspeccion", _("Inspección programada")
        RESULTADO = "resultado", _("Resultado de la inspección")
        OBSERVACION = "observacion", _("Observación")
        RESPUESTA = "respuesta", _("Observación respondida")
        CORRECCION = "correccion", _("Corrección propuesta")
        ACEPTACION = "aceptacion", _("Corrección aceptada")
        IMPUGNACION = "impugnacion", _("Corrección impugnada")
        RETIRO = "retiro", _("Corrección retirada")
        RELIQUIDACION = "reliquidacion", _("Reliquidación")
        MULTA = "multa", _("Multa")
        ANULADO = "anulado", _("Declaración anulada")

    # What the operator does not see on the document page (the officers' internal work).
    INTERNAL = frozenset({Kind.ASIGNADO, Kind.REASIGNADO})

    case = models.ForeignKey(
        AforoCase, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("acción"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("detalle"), blank=True)
    at = models.DateTimeField(_("fecha-hora"), default=timezone.now)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_role = models.CharField(_("rol"), max_length=40, blank=True)
    by_oce = models.ForeignKey(
        "accounts.OceCode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("acción del aforo")
        verbose_name_plural = _("acciones del aforo")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="aforo_event_case")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def visible_to_operator(self) -> bool:
        return self.kind not in self.INTERNAL

"""Perfiles de riesgo, valores de referencia, OEA and the canal assigned to each DAI.

* ``RiskProfile`` — one **version** of a profile: conditions, the canal it sends
  to, its sampling percentage, priority and vigencia. Versions of one profile
  share its ``code``; a version is written by one analyst and approved by
  another (four eyes); once approved its content is frozen — a change is a new
  version.
* ``ReferenceValue`` — reference FOB value per kilo of a subpartida (prefix),
  dated, with its source: the "value per kilo" condition compares against it.
* ``OeaCertification`` / ``OeaSamplingFactor`` — authorised economic operators
  and the dated factor that lowers their sampling rates.
* ``CanalAssignment`` — the canal given to one e-doc, with the seed of its draws,
  each draw, the facts and profiles evaluated (a snapshot) and the explanation.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecuapass.core.models import AuditedModel
from ecuapass.edocs.states import CanalAforo

PERCENT = [MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("100"))]


def clean_code_prefix(value: str, field: str) -> str:
    """``63.09`` → ``6309``; a Spanish error naming ``field`` unless it is 2–10 digits."""
    from ecuapass.tariff.codes import CommodityCode, InvalidCommodityCode, digits_of

    digits = digits_of(value or "")
    try:
        CommodityCode(digits)
    except InvalidCommodityCode as exc:
        raise ValidationError({field: str(exc)}) from exc
    return digits


# What an approved version may no longer change (its content): a change is a new version.
FROZEN_FIELDS = (
    "code",
    "version",
    "supersedes",
    "name",
    "description",
    "subpartida_prefix",
    "pais_origen",
    "importer_ruc",
    "first_import",
    "min_infractions",
    "value_per_kg_below_pct",
    "regimen",
    "canal",
    "sampling_pct",
    "reduce_for_oea",
    "priority",
    "valid_from",
    "valid_to",
    "approved_by",
    "approved_on",
)
_FK = {"approved_by", "supersedes"}  # compared by their *_id
# The conditions of a profile (none of them = the random selection layer).
CONDITION_FIELDS = (
    "subpartida_prefix",
    "pais_origen",
    "importer_ruc",
    "first_import",
    "min_infractions",
    "value_per_kg_below_pct",
    "regimen",
)


def in_force_q(on) -> Q:
    """Rows whose vigencia (valid_from … valid_to, inclusive) covers the date ``on``."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class RiskProfileQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(approved_on__isnull=False)

    def drafts(self):
        return self.filter(approved_on__isnull=True)

    def latest_versions(self):
        """The newest version of every profile (draft or approved)."""
        newest = (
            RiskProfile.objects.filter(code=models.OuterRef("code"))
            .order_by("-version")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(newest))


class RiskProfile(AuditedModel):
    """One version of a perfil de riesgo."""

    # uniq_risk_profile_version leads with it (tests/test_indexes.py)
    code = models.CharField(_("código del perfil"), max_length=12)
    version = models.PositiveIntegerField(_("versión"), default=1)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("versión anterior"),
    )
    name = models.CharField(_("nombre"), max_length=120)
    description = models.TextField(
        _("motivo y base legal u operativa"),
        blank=True,
        help_text=_("Por qué existe el perfil: alerta, informe, base legal u operativa."),
    )
    # --- conditions (blank = any) ------------------------------------------------
    subpartida_prefix = models.CharField(
        _("subpartida (prefijo)"),
        max_length=10,
        blank=True,
        help_text=_("Capítulo, partida o subpartida: 2 a 10 dígitos (p. ej. 6309 o 64)."),
    )
    pais_origen = models.CharField(_("país de origen"), max_length=2, blank=True)
    importer_ruc = models.CharField(_("RUC del importador"), max_length=13, blank=True)
    first_import = models.BooleanField(
        _("solo primera importación"),
        default=False,
        help_text=_("El importador no tiene ninguna DAI aceptada antes de esta."),
    )
    min_infractions = models.PositiveIntegerField(
        _("infracciones previas (mínimo)"),
        null=True,
        blank=True,
        help_text=_("El importador tiene al menos este número de multas registradas."),
    )
    value_per_kg_below_pct = models.DecimalField(
        _("FOB por kilo inferior a (porcentaje del valor de referencia)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000"))],
        help_text=_(
            "Un ítem cuyo valor FOB por kilo es inferior a este porcentaje del valor de "
            "referencia vigente de su subpartida."
        ),
    )
    regimen = models.CharField(_("régimen aduanero"), max_length=4, blank=True)
    # --- outcome -------------------------------------------------------------------
    canal = models.CharField(_("canal de aforo"), max_length=20, choices=CanalAforo.choices)
    sampling_pct = models.DecimalField(
        _("porcentaje de selección"),
        max_digits=7,
        decimal_places=4,
        default=Decimal("100"),
        validators=PERCENT,
        help_text=_(
            "Con 100 se envía al canal toda DAI que cumple las condiciones; con menos, "
            "una selección al azar entre ellas."
        ),
    )
    reduce_for_oea = models.BooleanField(
        _("reducir para OEA"),
        default=True,
        help_text=_(
            "Aplicar el factor vigente de reducción a los Operadores Económicos Autorizados."
        ),
    )
    priority = models.PositiveIntegerField(
        _("prioridad"), default=100, help_text=_("Menor número, mayor prioridad.")
    )
    valid_from = models.DateField(_("vigencia desde"), default=timezone.localdate)
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    # --- approval and state ------------------------------------------------------------
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aprobado por"),
    )
    approved_on = models.DateTimeField(_("aprobado el"), null=True, blank=True)
    active = models.BooleanField(_("activo"), default=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desactivado por"),
    )
    deactivated_on = models.DateTimeField(_("desactivado el"), null=True, blank=True)
    deactivation_note = models.TextField(_("motivo de la desactivación"), blank=True)

    objects = RiskProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("perfil de riesgo")
        verbose_name_plural = _("perfiles de riesgo")
        ordering = ["priority", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_risk_profile_version"),
            # At most one draft per profile: a second edit continues it.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(approved_on__isnull=True),
                name="uniq_risk_profile_draft",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="risk_profile_vigencia",
            ),
            models.CheckConstraint(
                condition=Q(sampling_pct__gte=0) & Q(sampling_pct__lte=100),
                name="risk_profile_sampling_pct",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} — {self.name}"

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None

    @property
    def is_random_layer(self) -> bool:
        """No condition besides the sampling: the random selection layer."""
        return not any(getattr(self, name) for name in CONDITION_FIELDS)

    def clean(self):
        """Normalise and check the conditions against the catalogs (every path: form, admin)."""
        from ecuapass.core.identity import ruc_validator
        from ecuapass.core.models import Country, CustomsRegime

        super().clean()
        errors: dict[str, list] = {}
        if self.subpartida_prefix:
            try:
                self.subpartida_prefix = clean_code_prefix(
                    self.subpartida_prefix, "subpartida_prefix"
                )
            except ValidationError as exc:
                errors.update(exc.message_dict)
        self.pais_origen = (self.pais_origen or "").strip().upper()
        if self.pais_origen and not Country.objects.filter(code=self.pais_origen).exists():
            errors["pais_origen"] = [
                _("País de origen: «%(code)s» no está en el catálogo de países.")
                % {"code": self.pais_origen}
            ]
        self.regimen = (self.regimen or "").strip()
        if self.regimen and not CustomsRegime.objects.filter(code=self.regimen).exists():
            errors["regimen"] = [
                _("Régimen aduanero: «%(code)s» no está en el catálogo de regímenes.")
                % {"code": self.regimen}
            ]
        self.importer_ruc = (self.importer_ruc or "").strip()
        if self.importer_ruc:
            try:
                ruc_validator(self.importer_ruc)
            except ValidationError as exc:
                errors["importer_ruc"] = exc.messages
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = [_("La vigencia hasta no puede ser anterior a la vigencia desde.")]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = RiskProfile.objects.filter(pk=self.pk).values(*FROZEN_FIELDS).first()
            if stored and stored["approved_on"] is not None:
                changed = [
                    name
                    for name in FROZEN_FIELDS
                    if stored[name] != getattr(self, name if name not in _FK else f"{name}_id")
                ]
                if changed:
                    raise ValidationError(
                        _(
                            "La versión %(version)s del perfil %(code)s está aprobada: "
                            "un cambio es una versión nueva (%(fields)s)."
                        )
                        % {"version": self.version, "code": self.code, "fields": ", ".join(changed)}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_approved:
            raise ValidationError(_("Una versión aprobada de un perfil no se elimina."))
        return super().delete(*args, **kwargs)


class RiskProfileEvent(models.Model):
    """What an officer did to a profile version: who, when, from which address."""

    class Action(models.TextChoices):
        CREATED = "creado", _("Creado")
        CHANGED = "modificado", _("Modificado")
        NEW_VERSION = "nueva_version", _("Nueva versión")
        APPROVED = "aprobado", _("Aprobado")
        DEACTIVATED = "desactivado", _("Desactivado")

    profile = models.ForeignKey(
        RiskProfile, on_delete=models.CASCADE, related_name="events", verbose_name=_("perfil")
    )
    action = models.CharField(_("acción"), max_length=20, choices=Action.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("usuario"),
    )
    at = models.DateTimeField(_("fecha-hora"), default=timezone.now)
    ip = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("evento de perfil de riesgo")
        verbose_name_plural = _("eventos de perfiles de riesgo")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.profile} {self.get_action_display()}"


class ReferenceValueQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(in_force_q(on))


class ReferenceValue(AuditedModel):
    """Reference FOB value (USD) per kilo of a subpartida or any of its prefixes."""

    subpartida = models.CharField(
        _("subpartida (prefijo)"),
        max_length=10,
        help_text=_("2 a 10 dígitos; se usa el prefijo más largo que coincide con el ítem."),
    )
    value_per_kg = models.DecimalField(
        _("valor FOB de referencia por kilo (USD)"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    valid_from = models.DateField(_("vigencia desde"))
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    source = models.CharField(
        _("fuente"),
        max_length=300,
        help_text=_("Base de datos de valor, estudio de mercado, resolución…"),
    )

    objects = ReferenceValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("valor de referencia")
        verbose_name_plural = _("valores de referencia")
        ordering = ["subpartida", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["subpartida", "valid_from"], name="uniq_reference_value_from"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="reference_value_vigencia",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subpartida}: {self.value_per_kg} USD/kg"

    def clean(self):
        super().clean()
        self.subpartida = clean_code_prefix(self.subpartida, "subpartida")
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("La vigencia hasta no puede ser anterior a la vigencia desde.")}
            )


class OeaCertificationQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(in_force_q(on), revoked_on__isnull=True)


class OeaCertification(AuditedModel):
    """An operator certified as Operador Económico Autorizado (OEA) for a period."""

    operator = models.ForeignKey(
        "accounts.Operator",
        on_delete=models.PROTECT,
        related_name="oea_certifications",
        verbose_name=_("operador"),
    )
    certificate = models.CharField(_("número de certificado"), max_length=40)
    legal_basis = models.CharField(_("base legal"), max_length=300)
    valid_from = models.DateField(_("vigencia desde"))
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    revoked_on = models.DateField(_("revocado el"), null=True, blank=True)

    objects = OeaCertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificación OEA")
        verbose_name_plural = _("certificaciones OEA")
        ordering = ["operator", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["certificate"], name="uniq_oea_certificate"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="oea_vigencia",
            ),
        ]

    def __str__(self) -> str:
        return f"OEA {self.certificate} — {self.operator}"


class OeaSamplingFactorQuerySet(models.QuerySet):
    def in_force(self, on) -> OeaSamplingFactor | None:
        return self.filter(valid_from__lte=on).order_by("-valid_from").first()


class OeaSamplingFactor(AuditedModel):
    """The factor applied to the sampling percentages of OEA operators, from a date on."""

    factor = models.DecimalField(
        _("factor de reducción"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("0,5 = la mitad del porcentaje de selección; 1 = sin reducción."),
    )
    valid_from = models.DateField(_("vigente desde"), unique=True)
    legal_basis = models.CharField(_("base legal"), max_length=300)

    objects = OeaSamplingFactorQuerySet.as_manager()

    class Meta:
        verbose_name = _("factor de muestreo OEA")
        verbose_name_plural = _("factores de muestreo OEA")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(factor__gte=0) & Q(factor__lte=1), name="oea_factor_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.factor} ({self.valid_from})"


class CanalAssignment(models.Model):
    """The canal de aforo of one e-doc and everything needed to explain and replay it."""

    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="canal_assignment",
        verbose_name=_("documento"),
    )
    canal = models.CharField(_("canal de aforo"), max_length=20, choices=CanalAforo.choices)
    seed = models.BigIntegerField(_("semilla"))
    evaluated_on = models.DateField(_("fecha de evaluación"))
    # The inputs, as evaluated: the DAI's facts and every profile in force (snapshots).
    facts = models.JSONField(_("hechos evaluados"))
    profiles = models.JSONField(_("perfiles vigentes evaluados"))
    # The outcome: each matched profile (with its reasons) and each random draw.
    matched = models.JSONField(_("perfiles que coinciden"))
    draws = models.JSONField(_("sorteos"))
    decisive_profile = models.ForeignKey(
        RiskProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_assignments",
        verbose_name=_("perfil determinante"),
    )
    explanation = models.TextField(_("explicación"))
    assigned_on = models.DateTimeField(_("asignado el"), default=timezone.now)

    class Meta:
        verbose_name = _("asignación de canal")
        verbose_name_plural = _("asignaciones de canal")
        ordering = ["-assigned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.edoc}: {self.get_canal_display()}"

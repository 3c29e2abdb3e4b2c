"""Soporte al Cliente: solicitudes de uso, security codes, changes of registration.

* ``SecurityCode`` — a single-use code sent by e-mail (reinicio de clave, verification of a
  new registration's e-mail, a new e-mail in 3.2.3), valid ``CODE_MINUTES``; stored hashed.
* ``Solicitud`` — a solicitud de uso (NUEVO REGISTRO) of any kind of user, until decided.
* ``CambioRegistro`` — one change of registration (3.2.3): the fields changed, old and new;
  company data wait for SENAE's approval in the portal interno.
* ``ConfirmacionAnual`` — a representative's yearly confirmation (Res. SENAE-DGN-2016-0364-RE).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecuapass.accounts.models import User
from ecuapass.core.models import AuditedModel


class SecurityCode(models.Model):
    class Purpose(models.TextChoices):
        RESET = "reinicio", _("Reinicio de clave")
        REGISTRO = "registro", _("Verificación de correo del registro")
        CORREO = "correo", _("Cambio de correo electrónico")

    purpose = models.CharField(_("propósito"), max_length=10, choices=Purpose.choices)
    # What the code is for: a login key, a solicitud, a user's new e-mail.
    key = models.CharField(_("clave"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("correo electrónico"), blank=True)
    code_hash = models.CharField(max_length=64)
    created_on = models.DateTimeField(default=timezone.now)
    expires_on = models.DateTimeField()
    used_on = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("código de seguridad")
        verbose_name_plural = _("códigos de seguridad")
        indexes = [
            models.Index(fields=["purpose", "key", "-created_on"], name="seccode_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_on:%d/%m/%Y %H:%M}"


class Solicitud(AuditedModel):
    """A solicitud de uso (NUEVO REGISTRO)."""

    class Kind(models.TextChoices):
        REPRESENTANTE = User.Kind.REPRESENTANTE.value, User.Kind.REPRESENTANTE.label
        EMPLEADO = User.Kind.EMPLEADO.value, User.Kind.EMPLEADO.label
        USUARIO_GENERAL = User.Kind.USUARIO_GENERAL.value, User.Kind.USUARIO_GENERAL.label
        ENTIDAD_PUBLICA = User.Kind.ENTIDAD_PUBLICA.value, User.Kind.ENTIDAD_PUBLICA.label
        ORGANISMO = User.Kind.ORGANISMO.value, User.Kind.ORGANISMO.label

    class State(models.TextChoices):
        VERIFICACION = "verificacion", _("Verificación de correo pendiente")
        PENDIENTE = "pendiente", _("Pendiente de aprobación")
        APROBADA = "aprobada", _("Aprobada")
        RECHAZADA = "rechazada", _("Rechazada")

    kind = models.CharField(_("tipo de usuario"), max_length=20, choices=Kind.choices)
    ruc = models.CharField(_("RUC"), max_length=13)
    legal_name = models.CharField(_("razón social"), max_length=300, blank=True)
    operator_kind = models.CharField(_("tipo de persona"), max_length=10, blank=True)
    address = models.CharField(_("dirección"), max_length=300, blank=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    oce_types = models.CharField(_("tipos de OCE"), max_length=200, blank=True)
    oce_codes = models.CharField(_("códigos de OCE solicitados"), max_length=200, blank=True)
    username = models.CharField(_("ID Usuario"), max_length=40)
    first_name = models.CharField(_("nombres"), max_length=150)
    last_name = models.CharField(_("apellidos"), max_length=150)
    id_number = models.CharField(_("cédula o pasaporte"), max_length=20, blank=True)
    email = models.EmailField(_("correo electrónico"))
    password = models.CharField(max_length=128)
    convenio_accepted_on = models.DateTimeField(_("convenio aceptado el"), null=True, blank=True)
    documento = models.FileField(
        _("documentos de la empresa"), upload_to="registro/%Y/", blank=True
    )
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.VERIFICACION
    )
    email_verified_on = models.DateTimeField(_("correo verificado el"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateTimeField(_("decidida el"), null=True, blank=True)
    reason = models.TextField(_("motivo"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="solicitudes",
        verbose_name=_("usuario"),
    )
    history = HistoricalRecords(excluded_fields=["password"])

    class Meta:
        verbose_name = _("solicitud de uso")
        verbose_name_plural = _("solicitudes de uso")
        ordering = ["created_on", "id"]
        indexes = [
            models.Index(fields=["state", "kind", "created_on"], name="solicitud_state"),
            models.Index(fields=["ruc", "username"], name="solicitud_login"),
        ]

    def __str__(self) -> str:
        return f"{self.ruc} / {self.username}"

    @property
    def oce_type_list(self) -> list[str]:
        return [c for c in self.oce_types.split(",") if c]

    @property
    def oce_code_list(self) -> list[str]:
        return [c for c in self.oce_codes.split(",") if c]


class CambioRegistro(models.Model):
    """One change of a user's registration (3.2.3), with the fields changed."""

    class State(models.TextChoices):
        APLICADO = "aplicado", _("Aplicado")
        PENDIENTE = "pendiente", _("Pendiente de aprobación de SENAE")
        RECHAZADO = "rechazado", _("Rechazado")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cambios_registro",
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    operator = models.ForeignKey(
        "accounts.Operator", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # {"campo": ["anterior", "nuevo"]}
    changes = models.JSONField(_("cambios"), default=dict)
    state = models.CharField(_("estado"), max_length=10, choices=State.choices)
    created_on = models.DateTimeField(_("fecha"), default=timezone.now)
    convenio_accepted_on = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("motivo"), blank=True)

    class Meta:
        verbose_name = _("cambio de registro")
        verbose_name_plural = _("cambios de registro")
        ordering = ["-created_on", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_on"], name="cambio_user"),
            models.Index(fields=["state", "created_on"], name="cambio_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.created_on:%d/%m/%Y %H:%M}"


class ConfirmacionAnual(models.Model):
    """A representative confirmed (or updated) its registration for ``year``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="confirmaciones",
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    year = models.PositiveIntegerField(_("año"))
    confirmed_on = models.DateTimeField(_("confirmado el"), default=timezone.now)

    class Meta:
        verbose_name = _("actualización anual")
        verbose_name_plural = _("actualizaciones anuales")
        constraints = [
            models.UniqueConstraint(fields=["user", "year"], name="uniq_confirmacion_year")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.year}"

"""Banks as actors of the system.

* ``EntidadFinanciera`` — a bank authorised to collect SENAE's obligations: an operator (RUC)
  whose users act for it (in the browser, the demo "banca en línea") and whose systems call
  ``/api/v1/banca/`` with a ``BancaToken``.
* ``BancaToken`` — a bearer token of one user of the bank (``api.TokenBase``).
* ``BankRequest`` — the answer given to one ``Idempotency-Key`` of a bank: a repeated request
  with the same key gets the same answer and changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecuapass.api.models import TokenBase


class EntidadFinanciera(models.Model):
    code = models.CharField(_("código"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    operator = models.OneToOneField(
        "accounts.Operator",
        on_delete=models.PROTECT,
        related_name="entidad_financiera",
        verbose_name=_("operador"),
    )
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("entidad financiera")
        verbose_name_plural = _("entidades financieras")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class BancaToken(TokenBase):
    entidad = models.ForeignKey(EntidadFinanciera, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="banca_tokens"
    )

    class Meta(TokenBase.Meta):
        verbose_name = _("token de entidad financiera")
        verbose_name_plural = _("tokens de entidades financieras")

    @classmethod
    def issue(cls, *, entidad, user, name: str):
        return cls._issue("ebk", name=name, entidad=entidad, user=user)


class BankRequest(models.Model):
    """One idempotent request of a bank: its key, what was asked, what was answered."""

    entidad = models.ForeignKey(
        EntidadFinanciera, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    key = models.CharField(_("Idempotency-Key"), max_length=80)
    operation = models.CharField(_("operación"), max_length=20)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("solicitud idempotente")
        verbose_name_plural = _("solicitudes idempotentes")
        constraints = [
            models.UniqueConstraint(fields=["entidad", "key"], name="uniq_bank_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.entidad_id} {self.key}"

"""API tokens: each scoped to one código de OCE, shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "ecp"


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random: a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_on__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("usuario"),
    )
    oce_code = models.ForeignKey(
        "accounts.OceCode",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("código de OCE"),
    )
    name = models.CharField(_("nombre"), max_length=80)
    prefix = models.CharField(_("prefijo"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_on = models.DateTimeField(_("creado el"), default=timezone.now)
    last_used_on = models.DateTimeField(_("último uso"), null=True, blank=True)
    revoked_on = models.DateTimeField(_("revocado el"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None

    @classmethod
    def issue(cls, *, user, oce_code, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it and the raw value (shown once, never stored)."""
        public = secrets.token_hex(4)
        raw = f"{PREFIX}_{public}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            user=user,
            oce_code=oce_code,
            name=name[:80],
            prefix=f"{PREFIX}_{public}",
            key_hash=hash_token(raw),
        )
        return token, raw

    def revoke(self) -> None:
        if self.revoked_on is None:
            self.revoked_on = timezone.now()
            self.save(update_fields=["revoked_on"])

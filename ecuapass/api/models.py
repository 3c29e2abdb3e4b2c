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


class TokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_on__isnull=True)


class TokenBase(models.Model):
    """A bearer token: shown once, stored hashed, revocable. The owner is the subclass's."""

    name = models.CharField(_("nombre"), max_length=80)
    prefix = models.CharField(_("prefijo"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_on = models.DateTimeField(_("creado el"), default=timezone.now)
    last_used_on = models.DateTimeField(_("último uso"), null=True, blank=True)
    revoked_on = models.DateTimeField(_("revocado el"), null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None

    @classmethod
    def _issue(cls, public_prefix: str, *, name: str, **owner):
        """Create a token for ``owner``; returns it and the raw value (never stored)."""
        public = secrets.token_hex(4)
        raw = f"{public_prefix}_{public}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            name=name[:80], prefix=f"{public_prefix}_{public}", key_hash=hash_token(raw), **owner
        )
        return token, raw

    def revoke(self) -> None:
        if self.revoked_on is None:
            self.revoked_on = timezone.now()
            self.save(update_fields=["revoked_on"])


class ApiToken(TokenBase):
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

    class Meta(TokenBase.Meta):
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")

    @classmethod
    def issue(cls, *, user, oce_code, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it and the raw value (shown once, never stored)."""
        return cls._issue(PREFIX, name=name, user=user, oce_code=oce_code)

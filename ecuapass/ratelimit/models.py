"""The database store of the rate-limit counters (used when Redis is not configured)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """The count of one key in one fixed window (``ratelimit.windows.DatabaseCounter``).

    Incremented by a single ``INSERT … ON CONFLICT DO UPDATE SET count = count + 1``, so
    concurrent requests never lose a count; rows of past windows are removed as new ones open.
    """

    key = models.CharField(_("clave"), max_length=200, primary_key=True)
    count = models.PositiveIntegerField(_("cuenta"), default=0)
    expires_on = models.DateTimeField(_("vence el"), db_index=True)

    class Meta:
        verbose_name = _("contador de límite de uso")
        verbose_name_plural = _("contadores de límite de uso")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"

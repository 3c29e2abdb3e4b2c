"""SENAE officers: a profile on a user, the distritos they work in and the roles they hold.

* ``Officer`` — one per user (a ``funcionario`` signing in with SENAE's RUC); active or not;
  its distritos are codes of ``core.CustomsDistrict``.
* ``OfficerRole`` — one row per role held (``roles.Role``).
* ``OfficerToken`` — a token for SENAE's own systems calling ``/api/v1/interno/`` as an
  officer (operators' ``api.ApiToken`` is scoped to a código de OCE, which officers lack):
  shown once, stored hashed, revocable (docs/adr/0006).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecuapass.api.models import TokenBase
from ecuapass.core.models import AuditedModel

from .roles import ALL_DISTRITOS, Role

TOKEN_PREFIX = "ecpi"  # noqa: S105 - the public part of every token


class OfficerQuerySet(models.QuerySet):
    def active(self):
        """Officers who may act now: the profile and the user are active."""
        return self.filter(active=True, user__is_active=True, user__state="activo")

    def holding(self, role: str):
        return self.filter(role_rows__role=role)


class Officer(AuditedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer",
        verbose_name=_("usuario"),
    )
    distritos = models.ManyToManyField(
        "core.CustomsDistrict",
        related_name="officers",
        verbose_name=_("distritos aduaneros"),
        help_text=_("Distritos cuyos trámites atiende (el administrador actúa en todos)."),
    )
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords(m2m_fields=[distritos])

    objects = OfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("funcionario aduanero")
        verbose_name_plural = _("funcionarios aduaneros")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.user.username})"

    def clean(self):
        from ecuapass.accounts.models import User

        if self.user_id and self.user.kind != User.Kind.FUNCIONARIO:
            raise ValidationError(
                {
                    "user": _(
                        "Solo un usuario clasificado como funcionario público puede ser funcionario aduanero."
                    )
                }
            )

    # --- what the officer holds (read from prefetched rows when available) --------------
    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows.all())

    @property
    def distrito_codes(self) -> frozenset[str]:
        return frozenset(d.code for d in self.distritos.all())

    @property
    def is_usable(self) -> bool:
        return self.active and self.user.is_active and self.user.state == "activo"

    def has_role(self, *roles: str) -> bool:
        """Holds any of ``roles`` (any role at all when none is named)."""
        held = self.roles
        return bool(held & set(roles)) if roles else bool(held)

    @property
    def acts_everywhere(self) -> bool:
        """An administrador acts in every distrito, whatever distritos are assigned."""
        return bool(self.roles & ALL_DISTRITOS)

    def covers(self, distrito: str) -> bool:
        """Acts in ``distrito``: one of the officer's, or every one for an administrador."""
        return self.acts_everywhere or distrito in self.distrito_codes

    def may_act_as(self, role: str, distrito: str) -> bool:
        """The one rule of the lifecycle's actor checks: active, holds ``role``, covers ``distrito``."""
        return self.is_usable and role in self.roles and self.covers(distrito)

    def set_roles(self, roles) -> None:
        """Hold exactly ``roles`` (unknown codes raise ValueError)."""
        wanted = {Role(r).value for r in roles}
        self.role_rows.exclude(role__in=wanted).delete()
        for role in sorted(wanted - {row.role for row in self.role_rows.all()}):
            OfficerRole.objects.create(officer=self, role=role)
        if hasattr(self, "_prefetched_objects_cache"):
            self._prefetched_objects_cache.pop("role_rows", None)

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(self.roles)]


class OfficerRole(models.Model):
    officer = models.ForeignKey(
        Officer,
        on_delete=models.CASCADE,
        related_name="role_rows",
        verbose_name=_("funcionario"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    role = models.CharField(_("rol"), max_length=40, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rol del funcionario")
        verbose_name_plural = _("roles de los funcionarios")
        constraints = [
            models.UniqueConstraint(fields=["officer", "role"], name="uniq_officer_role")
        ]
        indexes = [models.Index(fields=["role", "officer"], name="officer_role_lookup")]

    def __str__(self) -> str:
        return f"{self.officer.user.username}: {self.get_role_display()}"


class OfficerToken(TokenBase):
    """``Authorization: Token <token>`` on ``/api/v1/interno/``: acts as its officer."""

    officer = models.ForeignKey(
        Officer, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("funcionario")
    )

    class Meta(TokenBase.Meta):
        verbose_name = _("token de sistema de SENAE")
        verbose_name_plural = _("tokens de sistemas de SENAE")

    @classmethod
    def issue(cls, *, officer: Officer, name: str) -> tuple[OfficerToken, str]:
        """Create a token; returns it and the raw value (shown once, never stored)."""
        return cls._issue(TOKEN_PREFIX, name=name, officer=officer)

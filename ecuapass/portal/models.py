"""The shell's data: the numbered menu (as data), menu-option grants, Mi menú."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class MenuGroup(models.TextChoices):
    TRAMITES = "tramites", _("Trámites Operativos")
    INFORMATIVOS = "informativos", _("Servicios Informativos")
    SOPORTE = "soporte", _("Soporte al Cliente")
    VUE = "vue", _("Ventanilla Única")


class Access(models.TextChoices):
    PUBLIC = "publico", _("Público (también sin sesión)")
    OCE = "oce", _("Todo usuario con un OCE activo de los tipos indicados")
    GRANT = "concedido", _("Requiere la opción concedida por el representante")
    REPRESENTATIVE = "representante", _("Solo el representante del OCE")


def sort_key_for(number: str) -> str:
    """ "1.11" → "001.011" so entries sort numerically as text."""
    parts = []
    for part in number.split("."):
        parts.append(part.zfill(3) if part.isdigit() else part)
    return ".".join(parts)


class MenuEntry(models.Model):
    """One numbered option of the four menus (1.3, 2.1.1, 3.11.1…)."""

    number = models.CharField(_("número"), max_length=20, unique=True)
    label = models.CharField(_("nombre"), max_length=200)
    label_en = models.CharField(_("nombre en inglés"), max_length=200, blank=True)
    group = models.CharField(_("menú"), max_length=20, choices=MenuGroup.choices)
    url_name = models.CharField(
        _("nombre de URL"),
        max_length=100,
        blank=True,
        help_text=_("Nombre de la vista (p. ej. edocs:estados). Vacío: la entrada agrupa otras."),
    )
    oce_types = models.ManyToManyField(
        "core.OceType",
        blank=True,
        related_name="+",
        verbose_name=_("tipos de OCE que la ven"),
        help_text=_("Vacío: todos los tipos."),
    )
    access = models.CharField(
        _("permiso requerido"), max_length=20, choices=Access.choices, default=Access.GRANT
    )
    available = models.BooleanField(
        _("disponible"),
        default=False,
        help_text=_("Marcar solo cuando la pantalla existe. Además se oculta si su URL no existe."),
    )
    active = models.BooleanField(_("activa"), default=True)
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)

    class Meta:
        verbose_name = _("opción de menú")
        verbose_name_plural = _("opciones de menú")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.number} {self.label}"

    def save(self, *args, **kwargs):
        self.sort_key = sort_key_for(self.number)
        super().save(*args, **kwargs)

    @property
    def localized_label(self) -> str:
        if (get_language() or "es").startswith("en") and self.label_en:
            return self.label_en
        return self.label

    @property
    def title(self) -> str:
        return f"{self.number} {self.localized_label}"

    @property
    def depth(self) -> int:
        return self.number.count(".")


class GrantedOption(models.Model):
    """A menu option an employee may use under a granted código de OCE."""

    grant = models.ForeignKey(
        "accounts.Grant",
        on_delete=models.CASCADE,
        related_name="options",
        verbose_name=_("asignación"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    entry = models.ForeignKey(
        MenuEntry, on_delete=models.CASCADE, related_name="+", verbose_name=_("opción")
    )

    class Meta:
        verbose_name = _("opción concedida")
        verbose_name_plural = _("opciones concedidas")
        constraints = [
            models.UniqueConstraint(fields=["grant", "entry"], name="uniq_granted_option")
        ]

    def __str__(self) -> str:
        return f"{self.grant} · {self.entry.number}"


class Favourite(models.Model):
    """Mi menú: a screen the user starred, in the order of the bar."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="favourites",
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    entry = models.ForeignKey(MenuEntry, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("favorito (Mi menú)")
        verbose_name_plural = _("Mi menú")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "entry"], name="uniq_favourite")]

    def __str__(self) -> str:
        return f"{self.user} ★ {self.entry.number}"

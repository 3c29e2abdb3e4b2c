"""The three kinds of request: their codes, names, who decides them, whether they carry changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from ecuapass.officers.roles import Role

CORRECCION = "DAI-COR"
SUSTITUTIVA = "DAI-SUS"
ANULACION = "DAI-ANU"

# The request's own states after the engine's "aceptado" (pending the officer's decision).
APROBADA = "aprobada"
DENEGADA = "denegada"
PENDING_STATES = ("registrado", "aceptado")


@dataclass(frozen=True)
class Kind:
    code: str
    slug: str  # in the portal's URLs
    abbr: str  # in the request's número de documento
    name: Any
    action: Any  # the button on the DAI's page
    with_changes: bool
    approvers: tuple[str, ...]


KINDS = {
    CORRECCION: Kind(
        CORRECCION,
        "correccion",
        "COR",
        _("Solicitud de corrección de la DAI"),
        _("Solicitar corrección"),
        True,
        (Role.TECNICO.value, Role.SUPERVISOR.value, Role.ADMIN.value),
    ),
    SUSTITUTIVA: Kind(
        SUSTITUTIVA,
        "sustitutiva",
        "SUS",
        _("Declaración sustitutiva de la DAI"),
        _("Presentar declaración sustitutiva"),
        True,
        (Role.TECNICO.value, Role.SUPERVISOR.value, Role.ADMIN.value),
    ),
    ANULACION: Kind(
        ANULACION,
        "anulacion",
        "ANU",
        _("Solicitud de anulación de la DAI"),
        _("Solicitar anulación"),
        False,
        (Role.SUPERVISOR.value, Role.ADMIN.value),
    ),
}
CODES = tuple(KINDS)
BY_SLUG = {k.slug: k for k in KINDS.values()}


def kind_of(code: str) -> Kind:
    return KINDS[code]

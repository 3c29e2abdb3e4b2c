"""The kinds of request on a declaration: their codes, names, who decides them, whether they carry
changes, and the declaration type they refer to (``targets``: the DAI's three, the DAE's corrección
and sustitutiva — its anulación is ``exportacion``'s DAE-ANU). A declaration type's kinds join
``KINDS`` when it registers its target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from ecuapass.officers.roles import Role

CORRECCION = "DAI-COR"
SUSTITUTIVA = "DAI-SUS"
ANULACION = "DAI-ANU"
DAE_CORRECCION = "DAE-COR"
DAE_SUSTITUTIVA = "DAE-SUS"
# What a kind does, whatever the declaration (``Kind.slug``, also in the portal's URLs).
SLUG_CORRECCION = "correccion"
SLUG_SUSTITUTIVA = "sustitutiva"
SLUG_ANULACION = "anulacion"

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
    target: str = "DAI"  # the declaration's e-doc type


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
DAE_KINDS = {
    DAE_CORRECCION: Kind(
        DAE_CORRECCION,
        SLUG_CORRECCION,
        "COR",
        _("Solicitud de corrección de la DAE"),
        _("Solicitar corrección"),
        True,
        (Role.TECNICO.value, Role.SUPERVISOR.value, Role.ADMIN.value),
        "DAE",
    ),
    DAE_SUSTITUTIVA: Kind(
        DAE_SUSTITUTIVA,
        SLUG_SUSTITUTIVA,
        "SUS",
        _("DAE sustitutiva (regularización)"),
        _("Presentar DAE sustitutiva"),
        True,
        (Role.TECNICO.value, Role.SUPERVISOR.value, Role.ADMIN.value),
        "DAE",
    ),
}


def codes() -> tuple[str, ...]:
    """Every request type registered (the DAI's, and the DAE's once ``exportacion`` is ready)."""
    return tuple(KINDS)


def for_target(doc_type: str) -> list[Kind]:
    return [k for k in KINDS.values() if k.target == doc_type]


def by_slug(doc_type: str, slug: str) -> Kind | None:
    return next((k for k in for_target(doc_type) if k.slug == slug), None)


CODES = tuple(KINDS)  # the DAI's (``codes()`` has every registered type)
BY_SLUG = {k.slug: k for k in KINDS.values()}  # the DAI's


def kind_of(code: str) -> Kind:
    return KINDS[code]

"""Which permit a tariff line needs, and which lines a permit type covers: one rule for the request's
products, the DAI's check and the descargo.

The tariff's restriction rows (``tariff.Restriction``, kind restricción, dated) name the permit by
agency and document; the ``TipoDocumento`` with that agency code and ``documento_arancel`` is the
permit the VUE issues for it. A restriction whose agency issues nothing through this VUE (no such
type) is shown by the tariff but not enforced here (docs/adr/0009-vue-agencies-and-permits.md).
"""

from __future__ import annotations

from datetime import date

from ecuapass.tariff.models import Restriction

from .models import TipoDocumento


def _digits(text: str) -> str:
    return "".join(ch for ch in str(text or "") if ch.isdigit())


def restrictions_on(subpartida: str, on: date):
    return Restriction.objects.in_force(on).filter(
        line__code=_digits(subpartida), kind=Restriction.Kind.RESTRICTION
    )


def required_types(subpartida: str, on: date) -> list[TipoDocumento]:
    """The VUE permit types a line needs on ``on`` (import restrictions with an issuing type)."""
    pairs = {(r.agency, r.document) for r in restrictions_on(subpartida, on)}
    if not pairs:
        return []
    types = TipoDocumento.objects.filter(active=True, operacion="importacion").select_related(
        "entidad"
    )
    return [t for t in types if (t.entidad.code, t.documento_arancel) in pairs]


def covers(tipo: TipoDocumento, subpartida: str, on: date) -> bool:
    """May a permit of ``tipo`` cover the line ``subpartida``?"""
    digits = _digits(subpartida)
    if any(digits.startswith(_digits(prefix)) for prefix in tipo.subpartidas or ()):
        return True
    if not tipo.documento_arancel:
        return False
    return (
        restrictions_on(digits, on)
        .filter(agency=tipo.entidad.code, document=tipo.documento_arancel)
        .exists()
    )

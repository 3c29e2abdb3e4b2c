"""Which permit a tariff line needs, and which lines a permit type covers: one rule for the request's
products, the DAI's check and the descargo.

The tariff's restriction rows (``tariff.Restriction``, kind restricción, dated) name the permit by
agency and document; the ``TipoDocumento`` with that agency code and ``documento_arancel`` is the
permit the VUE issues for it. A restriction whose agency issues nothing through this VUE (no such
type) is shown by the tariff but not enforced here (docs/adr/0009-vue-agencies-and-permits.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ecuapass.edocs import batch
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
    return required_types_of([subpartida], on)[subpartida]


def required_types_of(subpartidas: Iterable[str], on: date) -> dict[str, list[TipoDocumento]]:
    """``required_types`` of several lines: their restrictions read in one query.

    In a worker's batch (``edocs.batch``) the lines' restrictions and the permit types are read
    once per batch and date (the batch writes neither)."""
    wanted = {s: _digits(s) for s in subpartidas}
    known = batch.memo(("vue.restrictions", on), dict)  # line code → {(agency, document)}
    missing = {code for code in wanted.values() if code not in known}
    if missing:
        for code in missing:
            known[code] = set()
        rows = Restriction.objects.in_force(on).filter(
            line__code__in=missing, kind=Restriction.Kind.RESTRICTION
        )
        for code, agency, document in rows.values_list("line__code", "agency", "document"):
            known[code].add((agency, document))
    found: dict[str, list[TipoDocumento]] = {}
    for subpartida, code in wanted.items():
        pairs = known[code]
        found[subpartida] = (
            [t for t in _import_types() if (t.entidad.code, t.documento_arancel) in pairs]
            if pairs
            else []
        )
    return found


def _import_types() -> list[TipoDocumento]:
    return batch.memo(
        "vue.import_types",
        lambda: list(
            TipoDocumento.objects.filter(active=True, operacion="importacion").select_related(
                "entidad"
            )
        ),
    )


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

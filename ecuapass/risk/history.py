"""The importer's history as the risk profiles see it: first import, infracciones, OEA.

Infracciones (multas) belong to the despacho context, which does not exist yet
when the motor de riesgo is built. ``infractions_of(ruc)`` therefore counts
through *sources* that other contexts register::

    # ecuapass/despacho/apps.py, in ready():
    from ecuapass.risk.history import register_infraction_source
    register_infraction_source(lambda ruc, before: Multa.objects.filter(
        importer_ruc=ruc, imposed_on__lt=before).count())

With no source registered it returns 0, so profiles on previous infracciones
never match until despacho records multas. ``before`` is the moment the
evaluated DAI was accepted: only earlier infracciones count (a simulation over
an old DAI sees the history as it was then).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

InfractionSource = Callable[[str, datetime | None], int]
_INFRACTION_SOURCES: list[InfractionSource] = []


def register_infraction_source(source: InfractionSource) -> None:
    """Add ``source(ruc, before) -> int`` to the count of an importer's infracciones."""
    if source not in _INFRACTION_SOURCES:
        _INFRACTION_SOURCES.append(source)


def unregister_infraction_source(source: InfractionSource) -> None:
    if source in _INFRACTION_SOURCES:
        _INFRACTION_SOURCES.remove(source)


def infractions_of(ruc: str, *, before: datetime | None = None) -> int:
    """Previous infracciones (multas) of the importer ``ruc`` (0 until despacho registers them)."""
    return sum(int(source(ruc, before)) for source in _INFRACTION_SOURCES)


def is_first_import(ruc: str, *, edoc) -> bool:
    """No DAI of the importer ``ruc`` was accepted before ``edoc``.

    In a worker's batch, the first acceptance of each of the batch's importers is read once
    (``_first_accepted``) and the batch's own acceptances are added as their documents end: an
    importer already seen accepted before ``edoc`` needs no query; otherwise it is looked up as
    always."""
    from ecuapass.customs.models import Dai
    from ecuapass.edocs import batch

    if edoc.accepted_on is not None and batch.active():
        firsts = batch.memo("risk.first_accepted", lambda: _first_accepted(edoc))
        first = firsts.get(ruc)
        if first is not None and first < edoc.accepted_on:
            return False

        def accepted(at=edoc.accepted_on):  # once this document's acceptance is the batch's
            if firsts.get(ruc) is None or at < firsts[ruc]:
                firsts[ruc] = at

        batch.after_document(accepted)

    earlier = Dai.objects.filter(importador_ruc=ruc, edoc__accepted_on__isnull=False).exclude(
        edoc_id=edoc.pk
    )
    if edoc.accepted_on is not None:
        earlier = earlier.filter(edoc__accepted_on__lt=edoc.accepted_on)
    return not earlier.exists()


def _first_accepted(edoc) -> dict[str, datetime]:
    """For the importers of the batch's DAIs: when one of their DAIs other than ``edoc`` was
    accepted before ``edoc`` (any one: it makes ``edoc`` and every later DAI of the batch not the
    first). One look-up per importer that stops at the first such DAI, instead of the earliest
    acceptance over all of an importer's DAIs (which read them all, every batch: ~10,000 rows for
    the bench's importer, growing with its history). An acceptance is never undone within the
    batch, so what is found here stays true for the batch's later documents."""
    from ecuapass.customs.models import Dai
    from ecuapass.edocs import batch

    rucs = {
        getattr(e._content_cache, "importador_ruc", "")
        for e in batch.held()
        if getattr(e, "_content_cache", None) is not None
    }
    rucs.discard("")
    found = {}
    for ruc in sorted(rucs):
        earlier = (
            Dai.objects.filter(importador_ruc=ruc, edoc__accepted_on__lt=edoc.accepted_on)
            .exclude(edoc_id=edoc.pk)
            .order_by()
            .values_list("edoc__accepted_on", flat=True)[:1]
        )
        for at in earlier:
            found[ruc] = at
    return found


def is_oea(ruc: str, *, on: date) -> bool:
    """The operator ``ruc`` holds an OEA certification in force on ``on``."""
    from ecuapass.edocs import batch

    from .models import OeaCertification

    return batch.memo(
        ("risk.oea", ruc, on),
        lambda: OeaCertification.objects.in_force(on).filter(operator__ruc=ruc).exists(),
    )


def oea_factor(on: date) -> Decimal:
    """The factor lowering OEA operators' sampling rates on ``on`` (1 when none is set)."""
    from ecuapass.edocs import batch

    from .models import OeaSamplingFactor

    row = batch.memo(("risk.oea_factor", on), lambda: OeaSamplingFactor.objects.in_force(on))
    return row.factor if row is not None else Decimal("1")

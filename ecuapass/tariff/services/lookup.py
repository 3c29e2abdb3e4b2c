"""Reading the dated tariff: a line, its measures and restrictions on a date, its path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from .. import memo
from ..codes import CommodityCode
from ..models import Commodity, Measure, Restriction, Section, TaxRule


def line_in_force(code: str, on: date) -> Commodity | None:
    """The 10-digit line for ``code`` (any printed form) if it exists and is in force on ``on``."""
    parsed = CommodityCode.try_parse(code or "")
    if parsed is None or not parsed.is_line:
        return None
    line = Commodity.objects.filter(code=parsed.digits, level=10).select_related("unit").first()
    if line is None or not line.is_in_force(on):
        return None
    return line


def lines_in_force(codes: Iterable[str], on: date) -> dict[str, Commodity]:
    """Lines (keyed by 10 digits) in force on ``on``, with their measures in force prefetched
    (from memory inside ``tariff.memo.using()``)."""
    digits = {c for c in codes if c}
    if not digits:
        return {}
    if memo.active():
        return memo.lines(digits, on, _lines_in_force)
    return _lines_in_force(digits, on)


def _lines_in_force(digits: set[str], on: date) -> dict[str, Commodity]:
    measures = Measure.objects.in_force(on).select_related("unit").order_by("kind")
    qs = (
        Commodity.objects.filter(code__in=digits, level=10)
        .select_related("unit")
        .prefetch_related(Prefetch("measures", queryset=measures, to_attr="measures_in_force"))
    )
    return {line.code: line for line in qs if line.is_in_force(on)}


def ancestors_map(codes: Iterable[str]) -> dict[str, Commodity]:
    """All ancestors of the given codes (and the codes themselves), in one query."""
    wanted: set[str] = set()
    for code in codes:
        cc = CommodityCode(code)
        wanted.add(code)
        wanted.update(a.digits for a in cc.ancestors)
    if not wanted:
        return {}
    return {
        c.code: c
        for c in Commodity.objects.filter(code__in=wanted).only(
            "id", "code", "level", "description_es", "description_en", "section_id", "text_source"
        )
    }


def path_of(code: str, nodes: dict[str, Commodity]) -> list[Commodity]:
    """The chain chapter → … → parent of ``code``, using a map from ``ancestors_map``."""
    return [nodes[a.digits] for a in CommodityCode(code).ancestors if a.digits in nodes]


@dataclass
class LineSheet:
    """Everything the 2.1.1 line page and the API show for a line on a date."""

    line: Commodity
    on: date
    section: Section
    path: list[Commodity]
    measures_in_force: list[Measure]
    history: list[Measure]
    restrictions: list[Restriction] = field(default_factory=list)
    prohibitions: list[Restriction] = field(default_factory=list)
    in_force: bool = True

    @property
    def sample(self) -> bool:
        return self.line.sample or any(m.sample for m in self.history)


def line_sheet(code: str, on: date) -> LineSheet | None:
    """A 10-digit line (in force or not) with what applies on ``on`` and its history."""
    parsed = CommodityCode.try_parse(code or "")
    if parsed is None or not parsed.is_line:
        return None
    line = (
        Commodity.objects.filter(code=parsed.digits, level=10)
        .select_related("unit", "section")
        .first()
    )
    if line is None:
        return None
    history = list(line.measures.select_related("unit").order_by("kind", "-valid_from"))
    in_force = [m for m in history if m.is_in_force(on)]
    restrictions = [r for r in line.restrictions.in_force(on).order_by("kind", "agency")]
    nodes = ancestors_map([line.code])
    return LineSheet(
        line=line,
        on=on,
        section=line.section,
        path=path_of(line.code, nodes),
        measures_in_force=in_force,
        history=history,
        restrictions=[r for r in restrictions if r.kind == Restriction.Kind.RESTRICTION],
        prohibitions=[r for r in restrictions if r.kind == Restriction.Kind.PROHIBITION],
        in_force=line.is_in_force(on),
    )


def rules_in_force(on: date) -> dict[tuple[str, str], TaxRule]:
    """The tax rules in force on ``on`` keyed by (code, iva_class) (from memory inside
    ``tariff.memo.using()``)."""
    if memo.active():
        return memo.rules(on, _rules_in_force)
    return _rules_in_force(on)


def _rules_in_force(on: date) -> dict[tuple[str, str], TaxRule]:
    return {(r.code, r.iva_class): r for r in TaxRule.objects.in_force(on)}

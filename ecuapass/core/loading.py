"""Idempotent loaders for reference and demo data.

Each bounded context may provide ``reference_data.py`` and/or ``demo_data.py``
with a ``load(report)`` function; ``load_reference_data`` and ``load_demo_data``
call them in the order of INSTALLED_APPS, so a context can rely on the ones
before it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.db import models, transaction


@dataclass
class LoadReport:
    """Counts of what a load did, per target."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    write: Callable[[str], None] = print

    def add(self, target: str, outcome: str, n: int = 1) -> None:
        bucket = self.counts.setdefault(
            target, {"inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        )
        bucket[outcome] = bucket.get(outcome, 0) + n

    def summary(self) -> str:
        lines = []
        for target, c in self.counts.items():
            lines.append(
                f"{target}: {c['inserted']} insertados, {c['updated']} actualizados, "
                f"{c['unchanged']} sin cambios, {c['rejected']} rechazados"
            )
        return "\n".join(lines)


def upsert(
    model: type[models.Model], lookup: dict, values: dict, report: LoadReport
) -> models.Model:
    """Insert or update one row; count it as inserted / updated / unchanged."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.add(model._meta.verbose_name_plural, "inserted")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.add(model._meta.verbose_name_plural, "updated")
    else:
        report.add(model._meta.verbose_name_plural, "unchanged")
    return obj


def read_csv(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def load_catalog_csv(model, path: Path, report: LoadReport, extra: Iterable[str] = ()) -> None:
    for row in read_csv(path):
        values = {"name": row["name"], "name_en": row.get("name_en", "")}
        for name in extra:
            values[name] = row[name]
        upsert(model, {"code": row["code"]}, values, report)


def run_app_loaders(module_name: str, report: LoadReport) -> None:
    """Call ``<app>.<module_name>.load(report)`` for every project app that has it."""
    for config in apps.get_app_configs():
        if not config.name.startswith("ecuapass."):
            continue
        dotted = f"{config.name}.{module_name}"
        if find_spec(dotted) is None:
            continue
        module = import_module(dotted)
        with transaction.atomic():
            module.load(report)

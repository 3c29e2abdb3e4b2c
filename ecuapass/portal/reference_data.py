"""The menu of the four groups, from ``portal/data/menu.csv`` (editable afterwards in the admin).

Columns: number, label, label_en, group (tramites / informativos / soporte / vue),
url_name (the screen's URL name; blank for entries without a screen yet),
oce_types (space-separated tipo de OCE codes; blank = every type), access
(publico / oce / concedido / representante) and available (1 only when the
screen exists; an entry whose URL does not resolve stays hidden anyway).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ecuapass.core.loading import LoadReport, read_csv, upsert
from ecuapass.core.models import OceType

from .models import MenuEntry

MENU_CSV = Path(__file__).resolve().parent / "data" / "menu.csv"


@cache
def menu_rows() -> dict[str, dict]:
    """The shipped menu definition, by number (also the fallback before it is loaded)."""
    rows = {}
    for row in read_csv(MENU_CSV):
        rows[row["number"]] = {
            "number": row["number"],
            "label": row["label"],
            "label_en": row["label_en"],
            "group": row["group"],
            "url_name": row["url_name"],
            "oce_types": tuple(row["oce_types"].split()),
            "access": row["access"],
            "available": row["available"].strip() == "1",
        }
    return rows


def load(report: LoadReport) -> None:
    types = {t.code: t for t in OceType.objects.all()}
    for number, row in menu_rows().items():
        entry = upsert(
            MenuEntry,
            {"number": number},
            {
                "label": row["label"],
                "label_en": row["label_en"],
                "group": row["group"],
                "url_name": row["url_name"],
                "access": row["access"],
                "available": row["available"],
            },
            report,
        )
        wanted = {types[c] for c in row["oce_types"] if c in types}
        if set(entry.oce_types.all()) != wanted:
            entry.oce_types.set(wanted)

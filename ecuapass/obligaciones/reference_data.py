"""The ledger's dated tables: interest rates per trimester and the national holidays."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ecuapass.core.loading import LoadReport, read_csv, upsert

DATA = Path(__file__).resolve().parent / "data"


def load(report: LoadReport) -> None:
    from .models import Feriado, TasaInteres

    for row in read_csv(DATA / "tasas_interes.csv"):
        upsert(
            TasaInteres,
            {"valid_from": date.fromisoformat(row["valid_from"])},
            {
                "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                "annual_rate": Decimal(row["annual_rate"]),
                "legal_basis": row["legal_basis"],
            },
            report,
        )
    from .models import CausalAbandono

    for row in read_csv(DATA / "causales_abandono.csv"):
        upsert(
            CausalAbandono,
            {"code": row["code"], "valid_from": date.fromisoformat(row["valid_from"])},
            {
                "name": row["name"],
                "legal_basis": row["legal_basis"],
                "plazo_dias": int(row["plazo_dias"]) if row["plazo_dias"] else None,
                "multa": Decimal(row["multa"]),
                "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                "active": row["active"] == "1",
            },
            report,
        )
    from .models import PlazoTitulo

    for row in read_csv(DATA / "plazo_titulo.csv"):
        upsert(
            PlazoTitulo,
            {"valid_from": date.fromisoformat(row["valid_from"])},
            {
                "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                "dias": int(row["dias"]),
                "legal_basis": row["legal_basis"],
            },
            report,
        )
    for row in read_csv(DATA / "feriados.csv"):
        upsert(
            Feriado,
            {"fecha": date.fromisoformat(row["fecha"])},
            {"name": row["name"], "legal_basis": row["legal_basis"]},
            report,
        )


@lru_cache(maxsize=1)
def legal_bases() -> dict[str, str]:
    """Component code → legal basis (data/componentes.csv)."""
    with (DATA / "componentes.csv").open(encoding="utf-8") as fh:
        return {row["code"]: row["legal_basis"] for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def codes_by_tributo() -> dict[str, str]:
    """The liquidación's tribute keys (ad_valorem, iva…) → component code (AD-VALOREM, IVA…)."""
    with (DATA / "componentes.csv").open(encoding="utf-8") as fh:
        return {row["tributo"]: row["code"] for row in csv.DictReader(fh) if row["tributo"]}

"""Dated rule rows of the cargo: the manifests' deadlines (COPCI reglamento art. 31) and the
DAI's cargo control (from when and with which weight tolerance), from ``data/``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ecuapass.core.loading import LoadReport, read_csv, upsert

from .models import ControlCarga, PlazoManifiesto

DATA = Path(__file__).resolve().parent / "data"


def _date(value: str):
    return date.fromisoformat(value) if value.strip() else None


def load(report: LoadReport) -> None:
    for row in read_csv(DATA / "plazos_manifiesto.csv"):
        upsert(
            PlazoManifiesto,
            {
                "modo": row["modo"],
                "trayecto": row["trayecto"],
                "vigente_desde": _date(row["vigente_desde"]),
            },
            {
                "horas_antes": int(row["horas_antes"]),
                "vigente_hasta": _date(row["vigente_hasta"]),
                "base_legal": row["base_legal"],
            },
            report,
        )
    for row in read_csv(DATA / "control_carga.csv"):
        upsert(
            ControlCarga,
            {"vigente_desde": _date(row["vigente_desde"])},
            {
                "vigente_hasta": _date(row["vigente_hasta"]),
                "tolerancia_peso_pct": Decimal(row["tolerancia_peso_pct"]),
                "dias_para_declarar": int(row["dias_para_declarar"]),
                "base_legal": row["base_legal"],
            },
            report,
        )

"""Reference data of the export trámite: the documentos de control by subpartida (a sample,
labelled as such: ``data/controles_exportacion.csv``)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from ecuapass.core.loading import LoadReport, upsert

DATA = Path(__file__).resolve().parent / "data"
TARGET = "documentos de control de exportación"


def load(report: LoadReport) -> None:
    from .models import ControlExportacion

    with (DATA / "controles_exportacion.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            upsert(
                ControlExportacion,
                {
                    "subpartida_prefix": row["subpartida_prefix"],
                    "codigo": row["codigo"],
                    "valid_from": date.fromisoformat(row["vigencia_desde"]),
                },
                {
                    "documento": row["documento"],
                    "documento_en": row["documento_en"],
                    "entidad": row["entidad"],
                    "valid_to": (
                        date.fromisoformat(row["vigencia_hasta"]) if row["vigencia_hasta"] else None
                    ),
                    "legal_basis": row["base_legal"],
                    "tipo_vue": row.get("tipo_vue") or "",
                    "sample": True,
                },
                report,
            )

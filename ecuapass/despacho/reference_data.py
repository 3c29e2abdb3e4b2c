"""The despacho's catalogs: documentos de soporte and the dated catálogo de multas (a sample)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ecuapass.core.loading import LoadReport, load_catalog_csv, read_csv, upsert

DATA = Path(__file__).resolve().parent / "data"


def load(report: LoadReport) -> None:
    from .models import TarifaMulta, TipoDocumentoSoporte

    load_catalog_csv(TipoDocumentoSoporte, DATA / "documentos_soporte.csv", report)
    for row in read_csv(DATA / "multas.csv"):
        upsert(
            TarifaMulta,
            {"code": row["code"], "valid_from": date.fromisoformat(row["valid_from"])},
            {
                "name": row["name"],
                "name_en": row["name_en"],
                "legal_basis": row["legal_basis"],
                "amount": Decimal(row["amount"]),
                "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            },
            report,
        )

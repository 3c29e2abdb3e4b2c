"""The VUE's catalogs: control agencies and their permit types (data/entidades.json)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from ecuapass.core.loading import LoadReport, upsert

DATA = Path(__file__).resolve().parent / "data"


def load(report: LoadReport) -> None:
    from .models import Entidad, TipoDocumento
    from .schema import check_schema

    data = json.loads((DATA / "entidades.json").read_text(encoding="utf-8"))
    entidades = {}
    for row in data["entidades"]:
        entidades[row["code"]] = upsert(
            Entidad, {"code": row["code"]}, {"name": row["name"], "ruc": row["ruc"]}, report
        )
    for row in data["tipos"]:
        check_schema(row["campos"])
        values = {k: v for k, v in row.items() if k not in ("code", "entidad")}
        values["entidad"] = entidades[row["entidad"]]
        values["tasa"] = Decimal(values["tasa"])
        upsert(TipoDocumento, {"code": row["code"]}, values, report)

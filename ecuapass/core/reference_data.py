"""Catalogs of the core context."""

from pathlib import Path

from .loading import LoadReport, load_catalog_csv
from .models import (
    Country,
    Currency,
    CustomsDistrict,
    CustomsRegime,
    IdentityDocumentType,
    Incoterm,
    OceType,
    UnitOfMeasure,
)

DATA = Path(__file__).resolve().parent / "data"


def load(report: LoadReport) -> None:
    load_catalog_csv(OceType, DATA / "oce_types.csv", report, extra=["capabilities"])
    load_catalog_csv(CustomsDistrict, DATA / "districts.csv", report)
    load_catalog_csv(CustomsRegime, DATA / "regimes.csv", report, extra=["flow"])
    load_catalog_csv(IdentityDocumentType, DATA / "identity_document_types.csv", report)
    load_catalog_csv(Country, DATA / "countries.csv", report, extra=["alpha3"])
    load_catalog_csv(Currency, DATA / "currencies.csv", report)
    load_catalog_csv(UnitOfMeasure, DATA / "units.csv", report)
    load_catalog_csv(Incoterm, DATA / "incoterms.csv", report)

"""Fixtures: a slice of the HS nomenclature (the chapters of the sample file), the dated
tax rules and the sample arancel, loaded through the real loaders."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from ecuapass.core.loading import LoadReport, load_catalog_csv
from ecuapass.core.models import UnitOfMeasure
from ecuapass.core.reference_data import DATA as CORE_DATA
from ecuapass.tariff.services.loaders import (
    DATA,
    load_arancel_path,
    load_nomenclature,
    load_tax_rules,
)

SAMPLE = DATA / "arancel_muestra.csv"
BROWSABLE = "09"  # a whole chapter, for browsing tests


def _wanted() -> set[str]:
    with SAMPLE.open(encoding="utf-8") as fh:
        codes = {row["codigo"].replace(".", "") for row in csv.DictReader(fh)}
    return {c[:n] for c in codes for n in (2, 4, 6)}


def quiet_report() -> LoadReport:
    return LoadReport(write=lambda *_: None)


@pytest.fixture(scope="session")
def hs_slice(tmp_path_factory) -> Path:
    """A data directory with the HS rows of a few chapters (fast to load in every test)."""
    root = tmp_path_factory.mktemp("hs-slice")
    (root / "hs").mkdir()
    shutil.copy(DATA / "hs" / "sections.csv", root / "hs" / "sections.csv")
    shutil.copy(DATA / "titulos_es.csv", root / "titulos_es.csv")
    with (
        (DATA / "hs" / "harmonized-system.csv").open(encoding="utf-8") as src,
        (root / "hs" / "harmonized-system.csv").open("w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        wanted = _wanted()
        for row in reader:
            if row["hscode"] in wanted or row["hscode"].startswith(BROWSABLE):
                writer.writerow(row)
    return root


@pytest.fixture
def units(db):
    load_catalog_csv(UnitOfMeasure, CORE_DATA / "units.csv", quiet_report())


@pytest.fixture
def nomenclature(units, hs_slice):
    load_nomenclature(quiet_report(), data_dir=hs_slice)
    load_tax_rules(quiet_report())


@pytest.fixture
def tariff(nomenclature):
    """Nomenclature slice + tax rules + the sample arancel."""
    report = load_arancel_path(SAMPLE, sample=True)
    assert report.rows["rejected"] == 0, report.summary()
    return report

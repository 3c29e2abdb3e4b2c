"""Demo data: the sample arancel file (``data/arancel_muestra.csv``).

Every line and rate it loads is flagged ``sample`` and labelled
"tarifa de muestra — no oficial" in the UI and the API.
"""

from ecuapass.core.loading import LoadReport

from .services.loaders import DATA, load_arancel_path

SAMPLE_FILE = DATA / "arancel_muestra.csv"


def load(report: LoadReport) -> None:
    result = load_arancel_path(SAMPLE_FILE, sample=True)
    target = "líneas del arancel de muestra"
    for outcome in ("inserted", "updated", "unchanged", "rejected"):
        report.add(target, outcome, result.rows[outcome])
    for error in result.errors:
        report.write(f"arancel de muestra, fila {error.row}: {error.reason}")

"""Reference data of the tariff: HS 2022 nomenclature with Spanish titles and the dated
tax rules of the liquidación (IVA, FODINFA, seguro presuntivo, base del ad valorem)."""

from ecuapass.core.loading import LoadReport

from .services.loaders import load_nomenclature, load_tax_rules


def load(report: LoadReport) -> None:
    load_nomenclature(report)
    load_tax_rules(report)

"""Demo perfiles de riesgo, a reference value for footwear and the OEA factor.

Idempotent: a demo profile is identified by its code (``DEMO-…``, outside the
``PR-`` numbering of the analysts' profiles) and left alone once it exists, since
approved versions never change. The values are illustrative, **not SENAE's**.

Call ``load(report)`` before demo DAIs are accepted if they should get these
canales (``load_demo_data`` also runs it in the order of INSTALLED_APPS).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from ecuapass.core.loading import LoadReport, upsert
from ecuapass.edocs.states import CanalAforo as C

FROM = date(2025, 1, 1)
DEMO_NOTE = "Datos de demostración (valores ilustrativos, no oficiales de SENAE)."

# code: (name, priority, canal, sampling %, reduce for OEA, conditions)
PROFILES = {
    "DEMO-01": (
        "Ropa y artículos textiles usados (partida 63.09)",
        10,
        C.FISICO_INTRUSIVO,
        "100",
        False,
        {"subpartida_prefix": "6309"},
    ),
    "DEMO-02": (
        "Calzado con valor por kilo inferior al 50 % de la referencia",
        20,
        C.FISICO_NO_INTRUSIVO,
        "100",
        True,
        {"subpartida_prefix": "64", "value_per_kg_below_pct": Decimal("50")},
    ),
    "DEMO-03": (
        "Primera importación del importador",
        30,
        C.DOCUMENTAL,
        "100",
        True,
        {"first_import": True},
    ),
    "DEMO-04": (
        "Importador con infracciones previas",
        40,
        C.DOCUMENTAL,
        "100",
        True,
        {"min_infractions": 1},
    ),
    "DEMO-05": (
        "Selección aleatoria: aforo físico intrusivo",
        90,
        C.FISICO_INTRUSIVO,
        "1",
        True,
        {},
    ),
    "DEMO-06": ("Selección aleatoria: aforo documental", 91, C.DOCUMENTAL, "2", True, {}),
    "DEMO-07": ("Selección aleatoria: aforo electrónico", 92, C.ELECTRONICO, "5", True, {}),
}
# Footwear (chapter 64): FOB per kilo of the demo DAIs' shoes is 33.33 USD, above 50 % of this.
REFERENCES = [
    ("64", Decimal("60"), "Valor de referencia de demostración para calzado (no oficial)")
]
OEA_FACTOR = (Decimal("0.5"), "Factor de demostración: la mitad del porcentaje de selección")


def load(report: LoadReport) -> None:
    from .models import OeaSamplingFactor, ReferenceValue, RiskProfile

    now = timezone.now()
    for code, (name, priority, canal, pct, reduce, conditions) in PROFILES.items():
        if RiskProfile.objects.filter(code=code).exists():
            report.add(RiskProfile._meta.verbose_name_plural, "unchanged")
            continue
        profile = RiskProfile(
            code=code,
            version=1,
            name=name,
            description=DEMO_NOTE,
            priority=priority,
            canal=canal,
            sampling_pct=Decimal(pct),
            reduce_for_oea=reduce,
            valid_from=FROM,
            approved_on=now,
            **conditions,
        )
        profile.full_clean()
        profile.save()
        report.add(RiskProfile._meta.verbose_name_plural, "inserted")
    for subpartida, value, source in REFERENCES:
        upsert(
            ReferenceValue,
            {"subpartida": subpartida, "valid_from": FROM},
            {"value_per_kg": value, "source": source},
            report,
        )
    factor, basis = OEA_FACTOR
    upsert(
        OeaSamplingFactor, {"valid_from": FROM}, {"factor": factor, "legal_basis": basis}, report
    )

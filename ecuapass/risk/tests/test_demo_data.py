"""The demo profiles: idempotent, approved, in force; a DAI of the demo's kinds gets its canal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.core.loading import LoadReport
from ecuapass.edocs.states import CanalAforo as C
from ecuapass.risk import demo_data, services
from ecuapass.risk.models import RiskProfile

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_in_force(db):
    from tests.support.world import load_catalogs

    load_catalogs()
    report = LoadReport(write=lambda s: None)
    demo_data.load(report)
    demo_data.load(report)
    counts = report.counts[str(RiskProfile._meta.verbose_name_plural)]
    assert counts["inserted"] == len(demo_data.PROFILES) == counts["unchanged"]
    in_force = services.profiles_in_force(timezone.localdate())
    assert {p.code for p in in_force} == set(demo_data.PROFILES)
    by_code = {p.code: p for p in in_force}
    assert by_code["DEMO-01"].subpartida_prefix == "6309"
    assert by_code["DEMO-01"].canal == C.FISICO_INTRUSIVO
    assert by_code["DEMO-07"].is_random_layer
    assert by_code["DEMO-07"].sampling_pct == Decimal("5")


def test_with_the_demo_profiles_a_first_import_goes_to_documental(world):
    from .helpers import accepted_dai

    demo_data.load(LoadReport(write=lambda s: None))
    first, second = accepted_dai(world.importer), accepted_dai(world.importer)
    # Seed 0 draws 0.84, 0.76, 0.42: none of the 1 %, 2 % and 5 % random profiles selects.
    assignment = services.assign_canal(first, seed=0)
    assert assignment.canal == C.DOCUMENTAL
    assert assignment.decisive_profile.code == "DEMO-03"
    assert [m["code"] for m in assignment.matched] == ["DEMO-03", "DEMO-05", "DEMO-06", "DEMO-07"]
    assert services.assign_canal(second, seed=0).canal == C.AUTOMATICO

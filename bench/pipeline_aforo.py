"""bench/pipeline_profile.py with the aforo opened for every DAI, as in a full run (issue 16).

In ``make bench`` the demo data gives the bench's importer a multa, so the demo profile on
previous infracciones sends every DAI to the documental canal: each acceptance opens an aforo
case and assigns it to a técnico. The plain profile's world has no profiles (canal automático,
no case); here the demo profiles are loaded plus one that selects every DAI for documental, and
distrito 028 has three técnicos. Same environment variables and figures as the plain one:

    PIPE_BATCH=10 PIPE_COUNT=100 PIPE_SQL=1 … -s bench/pipeline_aforo.py
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from bench import pipeline_profile
from ecuapass.core.loading import LoadReport
from ecuapass.edocs.states import CanalAforo
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import make_officer

pytestmark = pytest.mark.django_db(transaction=False)


def test_pipeline_cost_with_aforo(client, world, settings):
    from ecuapass.despacho.models import AforoCase
    from ecuapass.risk import demo_data
    from ecuapass.risk.models import RiskProfile

    demo_data.load(LoadReport(write=lambda s: None))
    RiskProfile.objects.create(
        code="BENCH-01",
        version=1,
        name="Todas las DAI al aforo documental (bench)",
        priority=35,
        canal=CanalAforo.DOCUMENTAL,
        sampling_pct=Decimal("100"),
        reduce_for_oea=False,
        valid_from=date(2025, 1, 1),
        approved_on=timezone.now(),
    )
    for n in range(3):
        make_officer([Role.TECNICO], ["028"], username=f"aforador{n + 1}")
    pipeline_profile.test_pipeline_cost_per_document(client, world, settings)
    assert AforoCase.objects.count() == pipeline_profile.COUNT + 1
    assert not AforoCase.objects.filter(tecnico__isnull=True).exists()

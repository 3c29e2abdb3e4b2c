"""assign_canal on accepted DAIs: facts from the database, profiles in force, record and replay."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.customs.payloads import COFFEE, SHOES
from ecuapass.edocs.states import CanalAforo as C
from ecuapass.risk import history, services
from ecuapass.risk.models import (
    CanalAssignment,
    OeaCertification,
    OeaSamplingFactor,
    ReferenceValue,
)

from .helpers import accepted_dai, approved_profile

pytestmark = pytest.mark.django_db


def test_assignment_records_canal_seed_draws_snapshot_and_explanation_and_replays(world):
    edoc = accepted_dai(world.importer)
    shoes = approved_profile(C.FISICO_NO_INTRUSIVO, subpartida_prefix="6403", priority=10)
    sample = approved_profile(C.ELECTRONICO, pct="50", priority=90)
    approved_profile(C.FISICO_INTRUSIVO, subpartida_prefix="6309")  # in force, does not match

    assignment = services.assign_canal(edoc, edoc.content)

    assert assignment.canal == C.FISICO_NO_INTRUSIVO
    assert assignment.decisive_profile == shoes
    assert 0 <= assignment.seed < 2**63
    assert [m["id"] for m in assignment.matched] == [shoes.pk, sample.pk]
    snapshot = assignment.matched[0]
    assert (snapshot["name"], snapshot["code"], snapshot["version"]) == (
        shoes.name,
        shoes.code,
        1,
    )
    assert snapshot["reasons"] == [{"code": "subpartida", "values": {"item": 3, "prefix": "6403"}}]
    # One draw, for the 50 % profile; the 100 % one needs none.
    assert len(assignment.draws) == 1 and assignment.draws[0]["profile"] == sample.pk
    # Every profile in force was evaluated and kept in the snapshot.
    assert len(assignment.profiles) == 3
    assert assignment.facts["items"][2]["subpartida"] == "6403999000"
    # The explanation names the matched profiles (in Spanish, as stored).
    assert assignment.explanation.startswith("Canal asignado: Aforo físico no intrusivo.")
    assert f"«{shoes.name}»" in assignment.explanation
    assert f"«{sample.name}»" in assignment.explanation
    # Replay: the stored seed and snapshot give the same canal, matches and draws.
    assert services.replay(assignment).canal == assignment.canal
    assert services.reproduces(assignment)
    # Idempotent per document.
    assert services.assign_canal(edoc, edoc.content) == assignment
    assert CanalAssignment.objects.filter(edoc=edoc).count() == 1


def test_replay_uses_the_stored_snapshot_not_todays_profiles(world):
    edoc = accepted_dai(world.importer)
    profile = approved_profile(C.DOCUMENTAL, pct="50")
    assignment = services.assign_canal(edoc, edoc.content, seed=12345)
    # The profile is later deactivated: the assignment still replays from its snapshot.
    services.deactivate_profile(profile, user=world.other.user, note="fin de la alerta")
    assert services.reproduces(CanalAssignment.objects.get(pk=assignment.pk))
    # A different seed would not reproduce the stored draw.
    assignment.seed += 1
    assert services.replay(assignment).draws != assignment.draws
    assert not services.reproduces(assignment)


def test_same_seed_same_draws_on_two_documents(world):
    first, second = accepted_dai(world.importer), accepted_dai(world.importer)
    approved_profile(C.ELECTRONICO, pct="50", priority=1)
    approved_profile(C.DOCUMENTAL, pct="30", priority=2)
    a = services.assign_canal(first, seed=2026)
    b = services.assign_canal(second, seed=2026)
    assert [d["value"] for d in a.draws] == [d["value"] for d in b.draws]
    assert a.canal == b.canal


def test_seeds_are_secret_and_differ(world):
    edocs = [accepted_dai(world.importer) for _ in range(3)]
    seeds = {services.assign_canal(e).seed for e in edocs}
    assert len(seeds) == 3


def test_without_matching_profiles_the_canal_is_automatico(world):
    edoc = accepted_dai(world.importer)
    approved_profile(C.FISICO_INTRUSIVO, subpartida_prefix="6309")
    assignment = services.assign_canal(edoc)
    assert (assignment.canal, assignment.matched, assignment.draws) == (C.AUTOMATICO, [], [])
    assert assignment.decisive_profile is None
    assert "Ningún perfil de riesgo vigente coincide" in assignment.explanation
    assert services.reproduces(assignment)


# --- profiles in force on the acceptance date ------------------------------------------------
def test_only_profiles_in_force_on_the_acceptance_date_count(world):
    edoc = accepted_dai(world.importer)
    today = timezone.localdate(edoc.accepted_on)
    approved_profile(C.FISICO_INTRUSIVO, valid_from=today + timedelta(days=1))  # not yet
    approved_profile(
        C.FISICO_NO_INTRUSIVO,
        valid_from=today - timedelta(days=60),
        valid_to=today - timedelta(days=1),
    )  # expired
    approved_profile(C.DOCUMENTAL, approved_on=None)  # a draft is never in force
    approved_profile(C.DOCUMENTAL, active=False)  # deactivated
    in_force = approved_profile(C.ELECTRONICO, valid_from=today, valid_to=today)
    assert services.profiles_in_force(today) == [in_force]
    assert services.assign_canal(edoc).canal == C.ELECTRONICO


def test_a_dai_accepted_earlier_is_evaluated_with_the_profiles_of_that_date(world):
    edoc = accepted_dai(world.importer)
    past = edoc.accepted_on - timedelta(days=10)
    type(edoc).objects.filter(pk=edoc.pk).update(accepted_on=past)
    edoc.refresh_from_db()
    then = timezone.localdate(past)
    approved_profile(C.DOCUMENTAL, valid_from=then - timedelta(days=5), valid_to=then)
    approved_profile(C.FISICO_INTRUSIVO, valid_from=then + timedelta(days=1))
    assignment = services.assign_canal(edoc)
    assert assignment.evaluated_on == then
    assert assignment.canal == C.DOCUMENTAL


# --- the importer's history and the reference values ---------------------------------------------
def test_first_import_is_no_earlier_accepted_dai_of_the_importer(world):
    first = accepted_dai(world.importer)
    assert services.facts_of(first, first.content).first_import is True
    second = accepted_dai(world.importer)
    assert services.facts_of(second, second.content).first_import is False
    # Evaluated again later, the first DAI still is the first import (only earlier ones count).
    assert services.facts_of(first, first.content).first_import is True
    approved_profile(C.DOCUMENTAL, first_import=True)
    assert services.assign_canal(first).canal == C.DOCUMENTAL
    assert services.assign_canal(second).canal == C.AUTOMATICO


def test_infracciones_come_from_registered_sources(world):
    edoc = accepted_dai(world.importer)
    assert history.infractions_of(world.importer.operator.ruc) == 0

    def multas(ruc, before):
        assert before == edoc.accepted_on
        return 2 if ruc == world.importer.operator.ruc else 0

    history.register_infraction_source(multas)
    try:
        assert services.facts_of(edoc, edoc.content).infractions == 2
        approved_profile(C.FISICO_INTRUSIVO, min_infractions=2)
        assignment = services.assign_canal(edoc)
        assert assignment.canal == C.FISICO_INTRUSIVO
        assert "2 infracciones previas (mínimo 2)" in assignment.explanation
    finally:
        history.unregister_infraction_source(multas)
    assert history.infractions_of(world.importer.operator.ruc) == 0


def test_value_per_kilo_against_the_longest_reference_in_force(world):
    edoc = accepted_dai(world.importer, items=[dict(SHOES), dict(COFFEE)])
    on = timezone.localdate(edoc.accepted_on)
    # Shoes: 6000 USD / 180 kg = 33.33 USD/kg.
    ReferenceValue.objects.create(
        subpartida="64", value_per_kg=Decimal("50"), valid_from=on, source="capítulo"
    )
    ReferenceValue.objects.create(
        subpartida="6403", value_per_kg=Decimal("100"), valid_from=on, source="partida"
    )
    ReferenceValue.objects.create(
        subpartida="640399",
        value_per_kg=Decimal("10"),
        valid_from=on - timedelta(days=90),
        valid_to=on - timedelta(days=1),
        source="vencida",
    )
    facts = services.facts_of(edoc, edoc.content)
    shoes = facts.items[0]
    assert (shoes.reference_subpartida, shoes.reference_value_kg) == ("6403", Decimal("100.0000"))
    assert facts.items[1].reference_value_kg is None  # no reference for coffee
    approved_profile(C.FISICO_NO_INTRUSIVO, value_per_kg_below_pct=Decimal("40"))
    assignment = services.assign_canal(edoc)
    assert assignment.canal == C.FISICO_NO_INTRUSIVO  # 33.33 < 40 % of 100
    assert "inferior al 40 % del valor de referencia 100 USD/kg" in assignment.explanation


def test_value_per_kilo_uses_the_dai_exchange_rate(world):
    # FOB in a foreign currency at 1.10 USD: 6000 × 1.10 / 180 = 36.67 USD/kg.
    edoc = accepted_dai(world.importer, items=[dict(SHOES)], moneda="EUR", tipo_cambio="1.10")
    ReferenceValue.objects.create(
        subpartida="6403",
        value_per_kg=Decimal("100"),
        valid_from=timezone.localdate(edoc.accepted_on),
        source="x",
    )
    item = services.facts_of(edoc, edoc.content).items[0]
    assert item.fob_usd == Decimal("6600.00")
    approved_profile(C.DOCUMENTAL, value_per_kg_below_pct=Decimal("35"))
    assert services.assign_canal(edoc).canal == C.AUTOMATICO  # 36.67 ≥ 35


def test_oea_certified_importer_gets_the_factor_in_force(world):
    edoc = accepted_dai(world.importer)
    on = timezone.localdate(edoc.accepted_on)
    assert services.facts_of(edoc, edoc.content).oea is False
    OeaSamplingFactor.objects.create(
        factor=Decimal("0.8"), valid_from=on - timedelta(days=400), legal_basis="anterior"
    )
    OeaSamplingFactor.objects.create(
        factor=Decimal("0.25"), valid_from=on - timedelta(days=10), legal_basis="vigente"
    )
    OeaSamplingFactor.objects.create(
        factor=Decimal("0.1"), valid_from=on + timedelta(days=10), legal_basis="futura"
    )
    OeaCertification.objects.create(
        operator=world.importer.operator,
        certificate="OEA-EC-0001",
        legal_basis="Certificación OEA de prueba",
        valid_from=on - timedelta(days=30),
    )
    OeaCertification.objects.create(
        operator=world.other.operator,
        certificate="OEA-EC-0002",
        legal_basis="revocada",
        valid_from=on - timedelta(days=30),
        revoked_on=on - timedelta(days=1),
    )
    facts = services.facts_of(edoc, edoc.content)
    assert (facts.oea, facts.oea_factor) == (True, Decimal("0.2500"))
    assert history.is_oea(world.other.operator.ruc, on=on) is False
    profile = approved_profile(C.ELECTRONICO, pct="8")
    assignment = services.assign_canal(edoc)
    assert assignment.matched[0]["id"] == profile.pk
    assert Decimal(assignment.matched[0]["probability"]) == Decimal("2")

"""The evaluation, without the database: conditions, priority, strictest canal, draws, OEA."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest
from django.utils import translation

from ecuapass.edocs.states import CanalAforo as C
from ecuapass.risk import engine
from ecuapass.risk.engine import Facts, ItemFacts, Rule, evaluate


def item(numero=1, subpartida="6403999000", pais="BR", fob="6000", peso="180", ref=None):
    return ItemFacts(
        numero=numero,
        subpartida=subpartida,
        pais_origen=pais,
        fob_usd=Decimal(fob),
        peso_neto=Decimal(peso),
        reference_id=1 if ref else None,
        reference_subpartida=subpartida[:4] if ref else "",
        reference_value_kg=Decimal(ref) if ref else None,
    )


def facts(
    *items, regimen="10", ruc="0991003002001", first=False, infractions=0, oea=False, factor="0.5"
):
    return Facts(
        fecha="2026-01-15",
        regimen=regimen,
        importer_ruc=ruc,
        first_import=first,
        infractions=infractions,
        oea=oea,
        oea_factor=Decimal(factor) if oea else Decimal("1"),
        items=items or (item(),),
    )


_ids = iter(range(1, 10_000))


def rule(canal=C.DOCUMENTAL, pct="100", priority=100, **conditions):
    n = next(_ids)
    return Rule(
        id=n,
        code=f"PR-{n:04d}",
        version=1,
        name=f"perfil {n}",
        priority=priority,
        canal=str(canal),
        sampling_pct=Decimal(pct),
        **conditions,
    )


# --- each condition ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("conditions", "matching", "not_matching"),
    [
        (
            {"subpartida_prefix": "64"},
            facts(item(subpartida="6403999000")),
            facts(item(subpartida="0901211000")),
        ),
        (
            {"subpartida_prefix": "6309"},
            facts(item(subpartida="6309000000")),
            facts(item(subpartida="6310100000")),
        ),
        ({"pais_origen": "CN"}, facts(item(pais="CN")), facts(item(pais="BR"))),
        ({"importer_ruc": "0990004005001"}, facts(ruc="0990004005001"), facts()),
        ({"first_import": True}, facts(first=True), facts(first=False)),
        ({"min_infractions": 2}, facts(infractions=3), facts(infractions=1)),
        ({"regimen": "70"}, facts(regimen="70"), facts(regimen="10")),
        # FOB/kg 6000/180 = 33.33; below 50 % of 100 USD/kg matches, of 60 USD/kg does not.
        ({"value_per_kg_below_pct": Decimal("50")}, facts(item(ref="100")), facts(item(ref="60"))),
    ],
)
def test_each_condition_matches_only_when_it_holds(conditions, matching, not_matching):
    r = rule(**conditions)
    assert r.match(matching) is not None
    assert r.match(not_matching) is None
    assert evaluate(matching, [r], seed=1).canal == C.DOCUMENTAL
    assert evaluate(not_matching, [r], seed=1).canal == C.AUTOMATICO


def test_value_per_kilo_needs_a_reference_and_a_weight():
    r = rule(value_per_kg_below_pct=Decimal("50"))
    assert r.match(facts(item(ref=None))) is None  # no reference value in force
    assert r.match(facts(item(peso="0", ref="100"))) is None  # no weight: no per-kilo value
    reasons = r.match(facts(item(ref="100")))
    assert reasons[0].code == "valor_kg"
    assert reasons[0].values["fob_kg"] == "33.3333"


def test_item_conditions_must_hold_on_the_same_item():
    r = rule(subpartida_prefix="64", pais_origen="CN")
    split = facts(item(1, subpartida="6403999000", pais="BR"), item(2, "8471300000", pais="CN"))
    assert r.match(split) is None
    together = facts(item(1, "0901211000", pais="CO"), item(2, "6403999000", pais="CN"))
    reasons = r.match(together)
    assert [(x.code, x.values["item"]) for x in reasons] == [("subpartida", 2), ("pais", 2)]


def test_header_and_item_conditions_combine():
    r = rule(first_import=True, subpartida_prefix="64")
    assert r.match(facts(item(subpartida="6403999000"), first=True)) is not None
    assert r.match(facts(item(subpartida="6403999000"), first=False)) is None
    assert r.match(facts(item(subpartida="0901211000"), first=True)) is None


def test_a_profile_without_conditions_is_the_random_layer():
    r = rule(canal=C.ELECTRONICO, pct="100")
    reasons = r.match(facts())
    assert [x.code for x in reasons] == ["muestreo"]


# --- priority and the strictest canal -----------------------------------------------------------
def test_the_strictest_canal_of_the_applied_profiles_wins_whatever_the_priority():
    rules = [
        rule(canal=C.ELECTRONICO, priority=1),
        rule(canal=C.FISICO_INTRUSIVO, priority=50, subpartida_prefix="64"),
        rule(canal=C.FISICO_NO_INTRUSIVO, priority=10),
        rule(canal=C.DOCUMENTAL, priority=5),
    ]
    outcome = evaluate(facts(), rules, seed=7)
    assert outcome.canal == C.FISICO_INTRUSIVO
    # Matches are listed by priority; the decisive one is the profile that gave the canal.
    assert [m.rule.priority for m in outcome.matches] == [1, 5, 10, 50]
    assert outcome.decisive.rule.canal == C.FISICO_INTRUSIVO


def test_strictness_order():
    order = [C.AUTOMATICO, C.ELECTRONICO, C.DOCUMENTAL, C.FISICO_NO_INTRUSIVO, C.FISICO_INTRUSIVO]
    for lower, higher in zip(order, order[1:], strict=False):
        assert engine.strictest([lower, higher]) == higher
        assert engine.strictest([higher, lower]) == higher
    assert engine.strictest([]) == C.AUTOMATICO


def test_among_profiles_with_the_same_canal_the_first_by_priority_decides():
    second = rule(canal=C.DOCUMENTAL, priority=20)
    first = rule(canal=C.DOCUMENTAL, priority=10)
    assert evaluate(facts(), [second, first], seed=1).decisive.rule == first


def test_no_matching_profile_means_automatico():
    outcome = evaluate(facts(), [rule(subpartida_prefix="6309")], seed=1)
    assert (outcome.canal, outcome.matches, outcome.decisive) == (C.AUTOMATICO, (), None)


# --- draws ----------------------------------------------------------------------------------------
def test_same_seed_same_draws_and_canal():
    rules = [rule(canal=C.ELECTRONICO, pct="50"), rule(canal=C.FISICO_INTRUSIVO, pct="50")]
    for seed in (0, 1, 2**62, 123456789):
        a, b = evaluate(facts(), rules, seed), evaluate(facts(), rules, seed)
        assert a == b
        assert a.draws == b.draws and len(a.draws) == 2
        # The draws are exactly Random(seed)'s first two values, in priority order.
        rng = random.Random(seed)
        assert [d["value"] for d in a.draws] == [rng.random(), rng.random()]


def test_a_100_percent_profile_needs_no_draw():
    outcome = evaluate(facts(), [rule(pct="100")], seed=3)
    assert outcome.draws == [] and outcome.matches[0].draw is None and outcome.matches[0].applied


def sampled(r, count, *, oea=False):
    """How many of ``count`` DAIs (seeds 0…count-1) the profile ``r`` selects."""
    f = facts(oea=oea)
    return sum(1 for seed in range(count) if evaluate(f, [r], seed).canal == r.canal)


def within_binomial_bound(hits, n, p, z=4.0):
    """|hits − np| ≤ z·√(np(1−p)): a 4-sigma bound fails by chance about once in 16,000 runs."""
    return abs(hits - n * p) <= z * math.sqrt(n * p * (1 - p))


@pytest.mark.parametrize(
    ("canal", "pct"), [(C.ELECTRONICO, "5"), (C.DOCUMENTAL, "2"), (C.FISICO_INTRUSIVO, "1")]
)
def test_sampling_rates_hold_over_20000_draws(canal, pct):
    n = 20_000
    hits = sampled(rule(canal=canal, pct=pct), n)
    p = float(pct) / 100
    assert within_binomial_bound(hits, n, p), (hits, n * p)


def test_sampling_rate_holds_with_secret_seeds():
    """The production seeds (``secrets``) draw at the same rate."""
    from ecuapass.risk.services import new_seed

    n = 20_000
    r = rule(canal=C.ELECTRONICO, pct="5")
    f = facts()
    hits = sum(1 for _ in range(n) if evaluate(f, [r], new_seed()).canal == C.ELECTRONICO)
    # Random seeds: a 5-sigma bound (fails by chance about once in 1.7 million runs).
    assert within_binomial_bound(hits, n, 0.05, z=5.0), hits


def test_oea_operators_get_the_lower_rate():
    n = 20_000
    r = rule(canal=C.ELECTRONICO, pct="5")
    assert r.probability(facts(oea=True, factor="0.5")) == Decimal("2.5")
    assert r.probability(facts(oea=False)) == Decimal("5")
    hits = sampled(r, n, oea=True)
    assert within_binomial_bound(hits, n, 0.025), hits
    assert hits < sampled(r, n) * 0.7


def test_a_profile_may_keep_its_rate_for_oea_operators():
    r = Rule(**{**rule(canal=C.FISICO_INTRUSIVO).__dict__, "reduce_for_oea": False})
    assert r.probability(facts(oea=True, factor="0.5")) == Decimal("100")
    assert evaluate(facts(oea=True), [r], 1).canal == C.FISICO_INTRUSIVO
    # With the reduction a 100 % profile becomes a 50 % draw for an OEA.
    reduced = rule(canal=C.FISICO_INTRUSIVO)
    assert reduced.probability(facts(oea=True, factor="0.5")) == Decimal("50")
    assert evaluate(facts(oea=True), [reduced], 1).draws


# --- snapshots and explanation ---------------------------------------------------------------------
def test_facts_and_rules_round_trip_through_json():
    import json

    f = facts(item(1, ref="100"), item(2, "0901211000", "CO", "10000", "500"), oea=True)
    r = rule(value_per_kg_below_pct=Decimal("50"), subpartida_prefix="64", min_infractions=1)
    assert Facts.from_json(json.loads(json.dumps(f.to_json()))) == f
    assert Rule.from_json(json.loads(json.dumps(r.to_json()))) == r


def test_explanation_lists_every_matched_profile_and_the_draws():
    rules = [
        rule(canal=C.FISICO_INTRUSIVO, subpartida_prefix="6403", priority=10),
        rule(canal=C.ELECTRONICO, pct="5", priority=90),
        rule(canal=C.DOCUMENTAL, subpartida_prefix="6309", priority=5),  # does not match
    ]
    outcome = evaluate(facts(), rules, seed=11)
    matched = [m.to_json() for m in outcome.matches]
    with translation.override("es"):
        text = engine.explain(outcome.canal, matched)
    assert text.startswith("Canal asignado: Aforo físico intrusivo.")
    assert f"«{rules[0].name}» ({rules[0].code} v1, prioridad 10)" in text
    assert "ítem 1 en la subpartida 6403" in text
    assert f"«{rules[1].name}»" in text and "sorteo" in text and "5 %" in text
    assert rules[2].name not in text
    with translation.override("es"):
        assert "Ningún perfil de riesgo vigente" in engine.explain(C.AUTOMATICO, [])


@pytest.mark.parametrize(("language", "switches"), [("es", []), ("en", ["es"])])
def test_the_stored_explanation_is_spanish_switching_language_only_when_needed(
    language_switches, language, switches
):
    """A worker stores thousands (one per accepted DAI): in Spanish, without switching the
    active language when it is already Spanish."""
    from ecuapass.risk.services import stored_explanation

    with language_switches.real(language):
        text = stored_explanation(C.AUTOMATICO, [])
        assert translation.get_language() == language
    assert language_switches.seen == switches
    assert "Ningún perfil de riesgo vigente" in text

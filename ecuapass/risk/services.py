"""The motor de riesgo's services: assign and replay a canal, maintain and simulate profiles.

* ``assign_canal(edoc, content)`` — called by the DAI's ``after_acceptance`` hook,
  inside the processing transaction. Evaluates the DAI against the profiles in
  force on its acceptance date and stores a ``CanalAssignment`` (idempotent: a
  second call returns the first assignment; in a worker's batch the row is written
  with the batch's others at its end). It does not move the document:
  the caller sets ``edoc.canal_aforo`` and fires the lifecycle transition.
* ``replay(assignment)`` — re-evaluates the stored facts and profile snapshot
  with the stored seed; ``reproduces(assignment)`` says whether it gives the
  same canal, matches and draws.
* Profiles: ``create_profile``, ``revise_profile`` (a draft changes in place, an
  approved version gets a new draft version), ``approve_profile`` (four eyes),
  ``deactivate_profile``, ``simulate``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecuapass.core import db
from ecuapass.core.money import cents
from ecuapass.core.numbering import next_value
from ecuapass.edocs import batch

from . import engine, history
from .models import CanalAssignment, ReferenceValue, RiskProfile, RiskProfileEvent

# The fields an analyst fills in (the form's and the services' data).
EDITABLE_FIELDS = (
    "name",
    "description",
    "subpartida_prefix",
    "pais_origen",
    "importer_ruc",
    "first_import",
    "min_infractions",
    "value_per_kg_below_pct",
    "regimen",
    "canal",
    "sampling_pct",
    "reduce_for_oea",
    "priority",
    "valid_from",
    "valid_to",
)
PROFILE_SEQUENCE = "riesgo:perfil"
SIMULATION_MAX = 1000


# --- facts and profiles in force --------------------------------------------------------
def acceptance_date(edoc) -> date:
    return timezone.localdate(edoc.accepted_on) if edoc.accepted_on else timezone.localdate()


def reference_values_for(subpartidas, on: date) -> dict[str, ReferenceValue]:
    """For each subpartida, the reference value in force whose prefix is the longest match.

    In a worker's batch (``edocs.batch``) each prefix is looked up once per batch and date."""
    prefixes = {s[:n] for s in subpartidas for n in range(2, len(s) + 1)}
    # prefix → its newest row in force (None: none), kept for the batch
    known: dict[str, ReferenceValue | None] = batch.memo(("risk.references", on), dict)
    missing = prefixes - known.keys()
    if missing:
        rows = ReferenceValue.objects.in_force(on).filter(subpartida__in=missing)
        for prefix in missing:
            known[prefix] = None
        for row in rows.order_by("-valid_from", "-id"):
            if known[row.subpartida] is None:
                known[row.subpartida] = row
    newest = {p: known[p] for p in prefixes if known[p] is not None}
    found = {}
    for subpartida in subpartidas:
        for n in range(len(subpartida), 1, -1):
            if subpartida[:n] in newest:
                found[subpartida] = newest[subpartida[:n]]
                break
    return found


def facts_of(edoc, content, *, on: date | None = None) -> engine.Facts:
    """The facts the profiles look at, read from the DAI and the importer's history."""
    on = on or acceptance_date(edoc)
    items = sorted(content.items.all(), key=lambda i: i.numero)
    rate = content.tipo_cambio or Decimal("1")
    references = reference_values_for({i.subpartida for i in items}, on)
    ruc = content.importador_ruc
    item_facts = []
    for item in items:
        ref = references.get(item.subpartida)
        item_facts.append(
            engine.ItemFacts(
                numero=item.numero,
                subpartida=item.subpartida,
                pais_origen=item.pais_origen or content.pais_origen,
                fob_usd=cents(item.fob * rate),
                peso_neto=item.peso_neto,
                reference_id=ref.pk if ref else None,
                reference_subpartida=ref.subpartida if ref else "",
                reference_value_kg=ref.value_per_kg if ref else None,
            )
        )
    oea = history.is_oea(ruc, on=on)
    return engine.Facts(
        fecha=on.isoformat(),
        regimen=content.regimen,
        importer_ruc=ruc,
        first_import=history.is_first_import(ruc, edoc=edoc),
        infractions=history.infractions_of(ruc, before=edoc.accepted_on),
        oea=oea,
        oea_factor=history.oea_factor(on) if oea else Decimal("1"),
        items=tuple(item_facts),
    )


def profiles_in_force(on: date) -> list[RiskProfile]:
    """Per profile, the newest approved version that starts by ``on``, if active and not expired."""
    return batch.memo(("risk.profiles", on), lambda: _profiles_in_force(on))


def _profiles_in_force(on: date) -> list[RiskProfile]:
    newest: dict[str, RiskProfile] = {}
    candidates = RiskProfile.objects.approved().filter(valid_from__lte=on)
    for profile in candidates.order_by("code", "-version"):
        newest.setdefault(profile.code, profile)
    return sorted(
        (p for p in newest.values() if p.active and (p.valid_to is None or p.valid_to >= on)),
        key=lambda p: (p.priority, p.code, p.version),
    )


def rule_of(profile: RiskProfile) -> engine.Rule:
    return engine.Rule(
        id=profile.pk,
        code=profile.code,
        version=profile.version,
        name=profile.name,
        priority=profile.priority,
        canal=profile.canal,
        sampling_pct=profile.sampling_pct,
        reduce_for_oea=profile.reduce_for_oea,
        subpartida_prefix=profile.subpartida_prefix,
        pais_origen=profile.pais_origen,
        importer_ruc=profile.importer_ruc,
        first_import=profile.first_import,
        min_infractions=profile.min_infractions,
        value_per_kg_below_pct=profile.value_per_kg_below_pct,
        regimen=profile.regimen,
    )


def new_seed() -> int:
    """A secret seed for the draws (63 bits: fits a signed 64-bit column)."""
    return secrets.randbits(63)


def stored_explanation(canal: str, matches: list[dict]) -> str:
    """The explanation as stored (the project's default language, Spanish); no switch of the
    active language when it is already that one (a worker's)."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return engine.explain(canal, matches)
    with translation.override(settings.LANGUAGE_CODE):
        return engine.explain(canal, matches)


# --- assignment and replay -------------------------------------------------------------
def assign_canal(edoc, content=None, *, seed: int | None = None) -> CanalAssignment:
    """Assign the canal de aforo of an accepted DAI; idempotent per document.

    In a worker's batch, which of the batch's documents already have an assignment is read once
    for the whole batch (none usually: they are being accepted now), and the assignment is
    inserted with the batch's others at its end (``edocs.batch.insert_at_end``): nothing in the
    batch reads it back but a second call for the same document, which gets it from the batch
    (unless a savepoint rolled it back)."""
    assigned = _assigned_in_batch()
    if assigned is None or edoc.pk not in assigned.without:
        existing = CanalAssignment.objects.filter(edoc=edoc).first()
        if existing is not None:
            return existing
    elif edoc.pk in assigned.since:
        existing = assigned.held_for(edoc.pk)
        if existing is not None:
            return existing
    content = content if content is not None else edoc.content
    on = acceptance_date(edoc)
    facts = facts_of(edoc, content, on=on)
    rules, snapshot = batch.memo(("risk.rules", on), lambda: _rules_in_force(on))
    seed = new_seed() if seed is None else seed
    outcome = engine.evaluate(facts, rules, seed)
    matched = [m.to_json() for m in outcome.matches]
    assignment = CanalAssignment(
        edoc=edoc,
        canal=outcome.canal,
        seed=seed,
        evaluated_on=on,
        facts=facts.to_json(),
        profiles=[dict(rule) for rule in snapshot],  # its own copy: flat dicts of scalars
        matched=matched,
        draws=outcome.draws,
        decisive_profile_id=outcome.decisive.rule.id if outcome.decisive else None,
        explanation=stored_explanation(outcome.canal, matched),
    )
    if assigned is None:
        assignment.save(force_insert=True)
    else:
        assigned.hold(assignment)
    return assignment


def _rules_in_force(on: date) -> tuple[list[engine.Rule], list[dict]]:
    """The engine's rules of the profiles in force on ``on`` and their stored snapshot."""
    rules = [rule_of(p) for p in profiles_in_force(on)]
    return rules, [r.to_json() for r in rules]


@dataclass
class _BatchAssignments:
    """A worker's batch's canal assignments: its documents that had none when it began, and
    those assigned since (held for the batch's end)."""

    without: set[int]
    since: set[int] = field(default_factory=set)
    held: list = field(default_factory=list)  # core.db.hold entries

    def hold(self, assignment: CanalAssignment) -> None:
        batch.insert_at_end(assignment)
        db.hold(self.held, assignment)  # dropped with a savepoint rolled back, as the row is
        self.since.add(assignment.edoc_id)

    def held_for(self, edoc_id: int) -> CanalAssignment | None:
        return next((a for a in db.still_held(self.held) if a.edoc_id == edoc_id), None)


def _assigned_in_batch() -> _BatchAssignments | None:
    """The batch's assignments (``_BatchAssignments``), or None outside a worker's batch."""
    if not batch.active():
        return None

    def load():
        ids = {e.pk for e in batch.held()}
        taken = set(
            CanalAssignment.objects.filter(edoc_id__in=ids).values_list("edoc_id", flat=True)
        )
        return _BatchAssignments(without=ids - taken)

    return batch.memo("risk.assigned", load)


def replay(assignment: CanalAssignment) -> engine.Outcome:
    """Re-evaluate the stored facts and profiles with the stored seed."""
    facts = engine.Facts.from_json(assignment.facts)
    rules = [engine.Rule.from_json(r) for r in assignment.profiles]
    return engine.evaluate(facts, rules, assignment.seed)


def reproduces(assignment: CanalAssignment) -> bool:
    """The replay gives the stored canal, matches and draws."""
    outcome = replay(assignment)
    return (
        outcome.canal == assignment.canal
        and [m.to_json() for m in outcome.matches] == assignment.matched
        and outcome.draws == assignment.draws
    )


def explanation_for(assignment: CanalAssignment) -> str:
    """The explanation in the reader's language (the stored one is Spanish)."""
    return engine.explain(assignment.canal, assignment.matched)


# --- profile maintenance ----------------------------------------------------------------
def _values(data: dict) -> dict:
    return {name: data[name] for name in EDITABLE_FIELDS if name in data}


def _event(profile, action, *, user, ip, note="") -> None:
    RiskProfileEvent.objects.create(
        profile=profile, action=action, by_user=user, ip=ip or None, note=note
    )


def create_profile(data: dict, *, user, ip: str | None = None) -> RiskProfile:
    """A new profile: version 1, a draft until another officer approves it."""
    with transaction.atomic():
        code = f"PR-{next_value(PROFILE_SEQUENCE):04d}"
        profile = RiskProfile(code=code, version=1, created_by=user, modified_by=user)
        for name, value in _values(data).items():
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()
        _event(profile, RiskProfileEvent.Action.CREATED, user=user, ip=ip)
    return profile


def revise_profile(profile: RiskProfile, data: dict, *, user, ip: str | None = None) -> RiskProfile:
    """Change a profile: a draft in place; an approved version gets a new draft version."""
    with transaction.atomic():
        base = RiskProfile.objects.select_for_update().get(pk=profile.pk)
        if not base.is_approved:
            target = base
        else:
            draft = RiskProfile.objects.drafts().filter(code=base.code).first()
            if draft is not None:
                raise ValidationError(
                    _(
                        "El perfil %(code)s ya tiene la versión %(version)s en borrador: "
                        "modifique esa versión."
                    )
                    % {"code": base.code, "version": draft.version}
                )
            last = RiskProfile.objects.filter(code=base.code).aggregate(v=Max("version"))["v"]
            target = RiskProfile(code=base.code, version=last + 1, supersedes=base, created_by=user)
            for name in EDITABLE_FIELDS:
                setattr(target, name, getattr(base, name))
        for name, value in _values(data).items():
            setattr(target, name, value)
        target.modified_by = user
        target.full_clean()
        target.save()
        action = RiskProfileEvent.Action.NEW_VERSION if base.is_approved else None
        _event(target, action or RiskProfileEvent.Action.CHANGED, user=user, ip=ip)
    return target


def approve_profile(profile: RiskProfile, *, user, ip: str | None = None) -> RiskProfile:
    """Approve a draft version (four eyes: not by whoever wrote or changed it)."""
    with transaction.atomic():
        locked = RiskProfile.objects.select_for_update().get(pk=profile.pk)
        if locked.is_approved:
            raise ValidationError(
                _("La versión %(version)s del perfil %(code)s ya está aprobada.")
                % {"version": locked.version, "code": locked.code}
            )
        if user.pk in (locked.created_by_id, locked.modified_by_id):
            raise ValidationError(
                _(
                    "Cuatro ojos: la versión debe aprobarla otro analista de riesgo o un "
                    "supervisor, no quien la redactó o modificó."
                )
            )
        locked.approved_by = user
        locked.approved_on = timezone.now()
        locked.save(update_fields=["approved_by", "approved_on", "modified_on"])
        _event(locked, RiskProfileEvent.Action.APPROVED, user=user, ip=ip)
    return locked


def deactivate_profile(profile: RiskProfile, *, user, note: str, ip: str | None = None) -> int:
    """Take a profile out of force: every approved version of it (a new version reactivates)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Indique el motivo de la desactivación.")})
    if not profile.is_approved:
        raise ValidationError(_("Un borrador no está vigente: no hay nada que desactivar."))
    with transaction.atomic():
        now = timezone.now()
        count = (
            RiskProfile.objects.approved()
            .filter(code=profile.code, active=True)
            .update(
                active=False,
                deactivated_by=user,
                deactivated_on=now,
                deactivation_note=note[:2000],
                modified_by=user,
                modified_on=now,
            )
        )
        if count:
            _event(profile, RiskProfileEvent.Action.DEACTIVATED, user=user, ip=ip, note=note)
    return count


# --- simulation -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SimulationRow:
    dai: object
    matched: bool
    reasons: str
    probability: Decimal | None
    canal: str  # the canal actually assigned, "" if none

    @property
    def canal_label(self) -> str:
        return engine.canal_label(self.canal) if self.canal else ""


@dataclass(frozen=True)
class Simulation:
    profile: RiskProfile
    rows: list[SimulationRow]

    @property
    def evaluated(self) -> int:
        return len(self.rows)

    @property
    def matched(self) -> int:
        return sum(1 for r in self.rows if r.matched)

    @property
    def expected(self) -> Decimal:
        """How many of the evaluated DAIs the profile is expected to send to its canal."""
        total = sum((r.probability for r in self.rows if r.matched), Decimal("0"))
        return (total / 100).quantize(Decimal("0.01"))


def simulate(profile: RiskProfile, *, last: int = 200) -> Simulation:
    """Evaluate one profile version against the last ``last`` accepted DAIs (no draw, no write)."""
    from ecuapass.customs.models import Dai

    last = max(1, min(int(last), SIMULATION_MAX))
    rule = rule_of(profile)
    dais = (
        Dai.objects.filter(edoc__accepted_on__isnull=False)
        .select_related("edoc", "edoc__canal_assignment")
        .prefetch_related("items")
        .order_by("-edoc__accepted_on", "-pk")[:last]
    )
    rows = []
    for dai in dais:
        facts = facts_of(dai.edoc, dai)
        reasons = rule.match(facts)
        assignment = getattr(dai.edoc, "canal_assignment", None)
        rows.append(
            SimulationRow(
                dai=dai,
                matched=reasons is not None,
                reasons="; ".join(engine.reason_text(r.code, r.values) for r in reasons or ()),
                probability=rule.probability(facts) if reasons is not None else None,
                canal=assignment.canal if assignment else "",
            )
        )
    return Simulation(profile=profile, rows=rows)

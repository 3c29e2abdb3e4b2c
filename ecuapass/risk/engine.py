"""The evaluation itself: pure functions of the facts, the profiles and a seed (no database).

``evaluate(facts, rules, seed)`` is deterministic: the same facts, rules and seed
always give the same canal, the same draws and the same matches. The service
(``services.assign_canal``) gathers the facts and the profiles in force, draws
the seed with ``secrets`` and stores everything; ``services.replay`` feeds the
stored snapshot back into ``evaluate``.

Order: the rules are evaluated by priority (lower number first, then code and
version). A rule whose conditions hold *matches*; it then *applies* with its
sampling probability (lowered for OEA operators): 100 % applies without a draw,
otherwise one draw ``random.Random(seed).random()`` per matched rule, in that
order. The canal is the strictest among the rules that apply; none → automático.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ecuapass.edocs.states import CanalAforo

HUNDRED = Decimal("100")
# Least to most strict: the strictest canal of the applied profiles wins.
STRICTNESS = (
    CanalAforo.AUTOMATICO,
    CanalAforo.ELECTRONICO,
    CanalAforo.DOCUMENTAL,
    CanalAforo.FISICO_NO_INTRUSIVO,
    CanalAforo.FISICO_INTRUSIVO,
)
RANK = {str(c): i for i, c in enumerate(STRICTNESS)}


def strictest(canales: Iterable[str]) -> str:
    """The strictest of ``canales`` (automático when there is none)."""
    return max(canales, key=RANK.__getitem__, default=str(CanalAforo.AUTOMATICO))


def _dec(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- facts --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemFacts:
    numero: int
    subpartida: str
    pais_origen: str
    fob_usd: Decimal
    peso_neto: Decimal
    # The reference value in force for the item's subpartida (longest prefix), if any.
    reference_id: int | None = None
    reference_subpartida: str = ""
    reference_value_kg: Decimal | None = None

    @property
    def fob_per_kg(self) -> Decimal | None:
        if not self.peso_neto or self.peso_neto <= 0:
            return None
        return self.fob_usd / self.peso_neto

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("fob_usd", "peso_neto", "reference_value_kg"):
            data[name] = _str(data[name])
        return data

    @classmethod
    def from_json(cls, data: dict) -> ItemFacts:
        return cls(
            numero=data["numero"],
            subpartida=data["subpartida"],
            pais_origen=data["pais_origen"],
            fob_usd=_dec(data["fob_usd"]),
            peso_neto=_dec(data["peso_neto"]),
            reference_id=data.get("reference_id"),
            reference_subpartida=data.get("reference_subpartida", ""),
            reference_value_kg=_dec(data.get("reference_value_kg")),
        )


@dataclass(frozen=True)
class Facts:
    """What the profiles look at: the DAI's header and items and the importer's history."""

    fecha: str  # ISO date the profiles were taken in force on
    regimen: str
    importer_ruc: str
    first_import: bool
    infractions: int
    oea: bool
    oea_factor: Decimal = Decimal("1")
    items: tuple[ItemFacts, ...] = ()

    def to_json(self) -> dict:
        return {
            "fecha": self.fecha,
            "regimen": self.regimen,
            "importer_ruc": self.importer_ruc,
            "first_import": self.first_import,
            "infractions": self.infractions,
            "oea": self.oea,
            "oea_factor": str(self.oea_factor),
            "items": [item.to_json() for item in self.items],
        }

    @classmethod
    def from_json(cls, data: dict) -> Facts:
        return cls(
            fecha=data["fecha"],
            regimen=data["regimen"],
            importer_ruc=data["importer_ruc"],
            first_import=data["first_import"],
            infractions=data["infractions"],
            oea=data["oea"],
            oea_factor=Decimal(data["oea_factor"]),
            items=tuple(ItemFacts.from_json(item) for item in data["items"]),
        )


# --- rules (a profile version, as evaluated) -------------------------------------------
@dataclass(frozen=True)
class Reason:
    """Why a condition holds: a code and its values (rendered in the reader's language)."""

    code: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: int
    code: str
    version: int
    name: str
    priority: int
    canal: str
    sampling_pct: Decimal
    reduce_for_oea: bool = True
    subpartida_prefix: str = ""
    pais_origen: str = ""
    importer_ruc: str = ""
    first_import: bool = False
    min_infractions: int | None = None
    value_per_kg_below_pct: Decimal | None = None
    regimen: str = ""

    @property
    def order(self):
        return (self.priority, self.code, self.version, self.id)

    @property
    def has_item_conditions(self) -> bool:
        return bool(
            self.subpartida_prefix or self.pais_origen or self.value_per_kg_below_pct is not None
        )

    def to_json(self) -> dict:
        data = asdict(self)
        data["sampling_pct"] = str(self.sampling_pct)
        data["value_per_kg_below_pct"] = _str(self.value_per_kg_below_pct)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Rule:
        values = dict(data)
        values["sampling_pct"] = Decimal(values["sampling_pct"])
        values["value_per_kg_below_pct"] = _dec(values.get("value_per_kg_below_pct"))
        return cls(**values)

    # --- conditions -------------------------------------------------------------------
    def _item_reasons(self, item: ItemFacts) -> list[Reason] | None:
        reasons = []
        if self.subpartida_prefix:
            if not item.subpartida.startswith(self.subpartida_prefix):
                return None
            reasons.append(
                Reason("subpartida", {"item": item.numero, "prefix": self.subpartida_prefix})
            )
        if self.pais_origen:
            if item.pais_origen != self.pais_origen:
                return None
            reasons.append(Reason("pais", {"item": item.numero, "pais": self.pais_origen}))
        if self.value_per_kg_below_pct is not None:
            per_kg = item.fob_per_kg
            if per_kg is None or item.reference_value_kg is None:
                return None
            threshold = item.reference_value_kg * self.value_per_kg_below_pct / HUNDRED
            if not per_kg < threshold:
                return None
            reasons.append(
                Reason(
                    "valor_kg",
                    {
                        "item": item.numero,
                        "fob_kg": str(per_kg.quantize(Decimal("0.0001"), ROUND_HALF_UP)),
                        "pct": str(self.value_per_kg_below_pct),
                        "referencia": str(item.reference_value_kg),
                        "ref_subpartida": item.reference_subpartida,
                    },
                )
            )
        return reasons

    def match(self, facts: Facts) -> list[Reason] | None:
        """The reasons the rule's conditions hold for ``facts``, or None if one fails.

        Item conditions (subpartida, país de origen, value per kilo) must hold
        together on one item; the first such item is the one reported.
        """
        reasons: list[Reason] = []
        if self.regimen:
            if facts.regimen != self.regimen:
                return None
            reasons.append(Reason("regimen", {"regimen": self.regimen}))
        if self.importer_ruc:
            if facts.importer_ruc != self.importer_ruc:
                return None
            reasons.append(Reason("importador", {"ruc": self.importer_ruc}))
        if self.first_import:
            if not facts.first_import:
                return None
            reasons.append(Reason("primera_importacion"))
        if self.min_infractions is not None:
            if facts.infractions < self.min_infractions:
                return None
            reasons.append(
                Reason("infracciones", {"n": facts.infractions, "min": self.min_infractions})
            )
        if self.has_item_conditions:
            for item in facts.items:
                item_reasons = self._item_reasons(item)
                if item_reasons is not None:
                    reasons.extend(item_reasons)
                    break
            else:
                return None
        if not reasons:
            reasons.append(Reason("muestreo"))
        return reasons

    def probability(self, facts: Facts) -> Decimal:
        """The sampling percentage for these facts (lowered by the OEA factor)."""
        pct = self.sampling_pct
        if facts.oea and self.reduce_for_oea:
            pct = pct * facts.oea_factor
        return pct.quantize(Decimal("0.0001"), ROUND_HALF_UP)


# --- the evaluation ---------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    rule: Rule
    reasons: tuple[Reason, ...]
    probability: Decimal
    draw: float | None  # None: no draw needed (100 % or 0 %)
    applied: bool

    def to_json(self) -> dict:
        return {
            "id": self.rule.id,
            "code": self.rule.code,
            "version": self.rule.version,
            "name": self.rule.name,
            "priority": self.rule.priority,
            "canal": self.rule.canal,
            "reasons": [{"code": r.code, "values": r.values} for r in self.reasons],
            "probability": str(self.probability),
            "draw": self.draw,
            "applied": self.applied,
        }


@dataclass(frozen=True)
class Outcome:
    canal: str
    matches: tuple[Match, ...]
    decisive: Match | None

    @property
    def draws(self) -> list[dict]:
        return [
            {
                "profile": m.rule.id,
                "probability": str(m.probability),
                "value": m.draw,
                "applied": m.applied,
            }
            for m in self.matches
            if m.draw is not None
        ]


def draw_applies(value: float, probability: Decimal) -> bool:
    """A draw in [0, 1) applies when it falls under the probability (a percentage)."""
    return value * 100 < float(probability)


def evaluate(facts: Facts, rules: Iterable[Rule], seed: int) -> Outcome:
    rng = random.Random(seed)  # noqa: S311 - sampling, not cryptography; the seed is secret
    matches: list[Match] = []
    for rule in sorted(rules, key=lambda r: r.order):
        reasons = rule.match(facts)
        if reasons is None:
            continue
        probability = rule.probability(facts)
        if probability >= HUNDRED:
            draw, applied = None, True
        elif probability <= 0:
            draw, applied = None, False
        else:
            draw = rng.random()
            applied = draw_applies(draw, probability)
        matches.append(Match(rule, tuple(reasons), probability, draw, applied))
    applied = [m for m in matches if m.applied]
    canal = strictest(m.rule.canal for m in applied)
    decisive = next((m for m in applied if m.rule.canal == canal), None)
    return Outcome(canal=canal, matches=tuple(matches), decisive=decisive)


# --- the explanation --------------------------------------------------------------------
def canal_label(value: str) -> str:
    return str(CanalAforo(value).label)


def _pct(value) -> str:
    """A number without trailing zeros, in the active language's format (5; 2,5; 31,2)."""
    plain = format(Decimal(str(value)).normalize(), "f")
    return number_format(Decimal(plain), use_l10n=True)


def reason_text(code: str, values: dict) -> str:
    if code == "subpartida":
        return _("ítem %(item)s en la subpartida %(prefix)s") % values
    if code == "pais":
        return _("ítem %(item)s originario de %(pais)s") % values
    if code == "valor_kg":
        return _(
            "ítem %(item)s: FOB %(fob_kg)s USD/kg, inferior al %(pct)s %% del valor de "
            "referencia %(referencia)s USD/kg (subpartida %(ref_subpartida)s)"
        ) % {
            **values,
            "pct": _pct(values["pct"]),
            "fob_kg": _pct(values["fob_kg"]),
            "referencia": _pct(values["referencia"]),
        }
    if code == "regimen":
        return _("régimen %(regimen)s") % values
    if code == "importador":
        return _("importador %(ruc)s") % values
    if code == "primera_importacion":
        return _("primera importación del importador")
    if code == "infracciones":
        return _("%(n)s infracciones previas (mínimo %(min)s)") % values
    return _("selección aleatoria")


def explain(canal: str, matches: Iterable[dict]) -> str:
    """The explanation of an assignment, in the active language, from its stored matches."""
    matches = list(matches)
    lines = [_("Canal asignado: %(canal)s.") % {"canal": canal_label(canal)}]
    if not matches:
        lines.append(_("Ningún perfil de riesgo vigente coincide con la declaración."))
    for m in matches:
        reasons = "; ".join(reason_text(r["code"], r["values"]) for r in m["reasons"])
        if m["draw"] is None:
            outcome = _("aplica (%(p)s %%)") % {"p": _pct(m["probability"])}
            if not m["applied"]:
                outcome = _("no aplica (%(p)s %%)") % {"p": _pct(m["probability"])}
        elif m["applied"]:
            outcome = _("sorteo %(draw)s < %(p)s %%: seleccionada") % {
                "draw": _pct(round(m["draw"] * 100, 4)),
                "p": _pct(m["probability"]),
            }
        else:
            outcome = _("sorteo %(draw)s ≥ %(p)s %%: no seleccionada") % {
                "draw": _pct(round(m["draw"] * 100, 4)),
                "p": _pct(m["probability"]),
            }
        lines.append(
            _(
                "— Perfil «%(name)s» (%(code)s v%(version)s, prioridad %(priority)s): %(reasons)s → %(canal)s; %(outcome)s."
            )
            % {
                "name": m["name"],
                "code": m["code"],
                "version": m["version"],
                "priority": m["priority"],
                "reasons": reasons,
                "canal": canal_label(m["canal"]),
                "outcome": outcome,
            }
        )
    applied = [m for m in matches if m["applied"]]
    if applied:
        lines.append(
            _("Se asigna el canal más estricto de los perfiles que aplican.")
            if len(applied) > 1
            else _("Se asigna el canal del único perfil que aplica.")
        )
    elif matches:
        lines.append(_("Ningún perfil aplica: aforo automático."))
    return "\n".join(lines)

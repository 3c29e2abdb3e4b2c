"""Validation rules: one registered class per rule, run by phase, all errors collected.

A rule has a ``code``, a Spanish ``message`` (a template formatted with the
keyword arguments of ``error()``), the ``field`` it concerns and a ``phase``.
``check(ctx)`` yields ``RuleError`` values; the engine collects them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


class Phase:
    OPERADOR = "operador"
    DOCUMENTO = "documento"
    NEGOCIO = "negocio"

    ORDER = [OPERADOR, DOCUMENTO, NEGOCIO]
    CHOICES = [
        (OPERADOR, _("Operador")),
        (DOCUMENTO, _("Documento")),
        (NEGOCIO, _("Reglas de negocio")),
    ]
    # Failing these phases is a transmission error (formal checks).
    FORMAL = {OPERADOR, DOCUMENTO}


@dataclass(frozen=True)
class RuleError:
    code: str
    field: str
    message: str
    phase: str


@dataclass
class RuleContext:
    """What a rule may look at."""

    edoc: Any
    content: Any
    doc_type: Any
    on: Any  # the declaration date
    cache: dict = field(default_factory=dict)


class Rule:
    code: str = ""
    message: Any = ""
    field: str = ""
    phase: str = Phase.NEGOCIO

    def check(self, ctx: RuleContext) -> Iterator[RuleError]:  # pragma: no cover - abstract
        raise NotImplementedError

    def error(self, field: str | None = None, message: Any = None, **params) -> RuleError:
        text = str(message if message is not None else self.message)
        if params:
            text = text.format(**params)
        return RuleError(code=self.code, field=field or self.field, message=text, phase=self.phase)


def run_phase(rules: list[type[Rule]], phase: str, ctx: RuleContext) -> list[RuleError]:
    errors: list[RuleError] = []
    for rule_class in rules:
        if rule_class.phase != phase:
            continue
        errors.extend(rule_class().check(ctx))
    return errors

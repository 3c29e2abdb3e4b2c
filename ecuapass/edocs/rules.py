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
    """What a rule may look at.

    ``cache``: this document's (e.g. its items, read once for all its rules). ``shared``: one
    dict for every document of the worker's batch, and ``batch`` their contents (this one
    included), so a rule looks up what it needs for the whole batch in one query
    (``per_batch``) instead of one per document.
    """

    edoc: Any
    content: Any
    doc_type: Any
    on: Any  # the declaration date
    cache: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)
    batch: list = field(default_factory=list)


def per_batch(ctx: RuleContext, key: str, load):
    """``load(contents)`` once per batch: ``contents`` are the batch's contents of this
    document's type (this one included). Only for what processing never changes (catalogs,
    the operators' registry): what an earlier document of the batch may write (e.g. an
    invoice declared, cargo discharged) is checked per document."""
    if key not in ctx.shared:
        kind = type(ctx.content)
        contents = [c for c in ctx.batch if isinstance(c, kind)]
        if not any(c is ctx.content for c in contents):
            contents.append(ctx.content)
        ctx.shared[key] = load(contents)
    return ctx.shared[key]


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

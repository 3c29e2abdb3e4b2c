"""Declarations and permits: a DAI item on a line the tariff restricts needs a valid documento de
control previo of the importer, of the right type, with balance for the item's quantity; the
quantity is discharged from that balance when the DAI is accepted and given back if it is annulled.

The permit an item draws from is chosen by the system among the importer's valid permits of the
required type for that line — the one expiring first with enough balance — and recorded as a
``Descargo`` row (the declaration's documento de acompañamiento). The allocation, the descargo and
the release are ``vue.descargo``'s, shared with the DAE's export control documents. The rule (``DAI-410``) runs with
the engine's other rules; the descargo runs in the acceptance's transaction under row locks and
a check constraint, so two declarations cannot spend the same balance (the loser's processing
fails, is retried, and its rule then rejects it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecuapass.edocs.rules import Phase, Rule

from . import coverage, descargo


def needs_of(dai, on):
    """What each item of ``dai`` on a restricted line needs (``descargo.Need``)."""
    for item in dai.items.order_by("numero"):
        unidades = descargo.unidades_of(item)
        for tipo in coverage.required_types(item.subpartida, on):
            yield descargo.Need(item.numero, item.subpartida, tipo, unidades)


def allocate(dai, operator_id, on, *, lock: bool = False):
    """([(need, saldo, cantidad)], [Problem]) of ``dai``'s restricted items (``descargo``)."""
    return descargo.allocate(list(needs_of(dai, on)), operator_id, on, lock=lock)


class PermisoDeControlPrevio(Rule):
    """Each restricted item draws on a valid permit of the importer with enough balance."""

    code = "DAI-410"
    phase = Phase.NEGOCIO
    field = "items"
    message = _(
        "Ítem {item}: la subpartida {subpartida} requiere {documento} de {entidad} vigente, del "
        "importador y con saldo para la cantidad declarada (documento de acompañamiento, "
        "Ventanilla Única)."
    )

    def check(self, ctx):
        operator_id = ctx.edoc.party_operator_id
        if ctx.content is None or operator_id is None:
            return
        _plan, problems = allocate(ctx.content, operator_id, ctx.on)
        for problem in problems:
            need = problem.need
            yield self.error(
                field=f"items[{need.item - 1}].subpartida",
                item=need.item,
                subpartida=need.subpartida,
                documento=need.tipo.name,
                entidad=need.tipo.entidad.code,
            )


def descargar_dai(edoc) -> None:
    """At acceptance (in its transaction): discharge each restricted item from its permit."""
    dai = edoc.content
    if dai is None or edoc.party_operator_id is None:
        return
    on = descargo.declaration_date(edoc)
    descargo.descargar(edoc, needs_of(dai, on), on)


def liberar_dai(edoc) -> None:
    """An annulled declaration gives its quantities back."""
    descargo.liberar(edoc)

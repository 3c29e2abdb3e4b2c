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
    items = _items(dai)
    required = coverage.required_types_of({item.subpartida for item in items}, on)
    for item in items:
        unidades = descargo.unidades_of(item)
        for tipo in required[item.subpartida]:
            yield descargo.Need(item.numero, item.subpartida, tipo, unidades)


def _items(dai) -> list:
    """The DAI's items by number (those the worker's batch prefetched, else one query)."""
    if "items" in getattr(dai, "_prefetched_objects_cache", {}):
        return sorted(dai.items.all(), key=lambda item: item.numero)
    return list(dai.items.order_by("numero"))


def _prefill(ctx) -> None:
    """In a worker's batch, the restrictions of every line the batch's DAIs of this date declare
    are read in one query (``coverage.required_types_of`` keeps them for the batch)."""
    from django.utils import timezone

    subpartidas = set()
    for content in ctx.batch:
        edoc = getattr(content, "edoc", None)
        if (
            "items" in getattr(content, "_prefetched_objects_cache", {})
            and edoc is not None
            and edoc.sent_on is not None
            and timezone.localdate(edoc.sent_on) == ctx.on
        ):
            subpartidas.update(item.subpartida for item in content.items.all())
    if subpartidas:
        coverage.required_types_of(subpartidas, ctx.on)


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
        if ctx.batch and f"vue.prefilled:{ctx.on}" not in ctx.shared:
            ctx.shared[f"vue.prefilled:{ctx.on}"] = True
            _prefill(ctx)
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

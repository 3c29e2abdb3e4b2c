"""Declarations and permits: a DAI item on a line the tariff restricts needs a valid documento de
control previo of the importer, of the right type, with balance for the item's quantity; the
quantity is discharged from that balance when the DAI is accepted and given back if it is annulled.

The permit an item draws from is the one the declarant names on the item
(``documento_control_numero``: it must be the importer's, of the required type, in force, cover
the subpartida and have balance) or, when none is named, the one the system chooses among the
importer's valid permits of the required type for that line — the one expiring first with enough
balance; either way it is recorded as a ``Descargo`` row (the declaration's documento de
acompañamiento). A number named on an item whose line needs no permit is refused, so that no one
believes a permit was discharged when none was. The allocation, the descargo and
the release are ``vue.descargo``'s, shared with the DAE's export control documents. The rule (``DAI-410``) runs with
the engine's other rules; the descargo runs in the acceptance's transaction under row locks and
a check constraint, so two declarations cannot spend the same balance (the loser's processing
fails, is retried, and its rule then rejects it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecuapass.customs.services import dotted_subpartida
from ecuapass.edocs.rules import Phase, Rule

from . import coverage, descargo
from .models import DocumentoEmitido


def needs_of(dai, on):
    """What each item of ``dai`` on a restricted line needs (``descargo.Need``).

    The number an item names goes with the need of its document's type; on a line that needs
    documents of several types, the others are chosen by the system. A number of no such type
    (or of no document) goes with the item's first need, whose check then says why it cannot
    draw on it."""
    items = _items(dai)
    required = coverage.required_types_of({item.subpartida for item in items}, on)
    named = _named_types(items, required)
    for item in items:
        unidades = descargo.unidades_of(item)
        numero = _number(item)
        tipos = required[item.subpartida]
        tipo_id = named.get(numero)
        owner = next((t for t in tipos if t.pk == tipo_id), tipos[0] if tipos else None)
        for tipo in tipos:
            yield descargo.Need(
                item.numero, item.subpartida, tipo, unidades, numero if tipo is owner else ""
            )


def _named_types(items, required) -> dict[str, int]:
    """The document type of each number the items name where their line needs several types
    (one query, none in the usual case)."""
    numbers = {_number(i) for i in items if _number(i) and len(required[i.subpartida]) > 1}
    if not numbers:
        return {}
    return dict(
        DocumentoEmitido.objects.filter(numero__in=numbers).values_list("numero", "tipo_id")
    )


def _number(item) -> str:
    """The number an item names, as documents are numbered (the column stores it so; an item
    built in memory — a correction checked before it is saved — may still hold what was typed)."""
    return (item.documento_control_numero or "").strip().upper()


def unneeded_names(dai, on) -> list:
    """The items that name a document although their line needs none on ``on``."""
    items = [i for i in _items(dai) if _number(i)]
    if not items:
        return []
    required = coverage.required_types_of({item.subpartida for item in items}, on)
    return [item for item in items if not required[item.subpartida]]


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
    """([(need, saldo, cantidad)], [Problem]) of ``dai``'s restricted items (``descargo``); what
    the declaration itself already discharged counts as available to it (a correction of an
    accepted DAI is checked before its discharges are given back and taken again)."""
    needs = list(needs_of(dai, on))
    edoc = getattr(dai, "edoc", None) if needs else None  # read only when something is needed
    return descargo.allocate(needs, operator_id, on, lock=lock, declaracion=edoc)


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
        if ctx.content is None:
            return
        for item in unneeded_names(ctx.content, ctx.on):
            yield self.error(
                field=f"items[{item.numero}].documento_control_numero",
                message=UNNEEDED_MESSAGE,
                item=item.numero,
                subpartida=dotted_subpartida(item.subpartida),
                doc=_number(item),
            )
        operator_id = ctx.edoc.party_operator_id
        if operator_id is None:
            return
        if ctx.batch and f"vue.prefilled:{ctx.on}" not in ctx.shared:
            ctx.shared[f"vue.prefilled:{ctx.on}"] = True
            _prefill(ctx)
        _plan, problems = allocate(ctx.content, operator_id, ctx.on)
        for problem in problems:
            need = problem.need
            values = {
                "item": need.item,
                "subpartida": dotted_subpartida(need.subpartida),
                "documento": need.tipo.name,
                "entidad": need.tipo.entidad.code,
            }
            if problem.message:  # the document the item names cannot cover it: say why
                yield self.error(
                    field=f"items[{need.item}].documento_control_numero",
                    message=NAMED_MESSAGE,
                    detalle=problem.message[:1].upper() + problem.message[1:],
                    **values,
                )
            else:
                yield self.error(field=f"items[{need.item}].subpartida", **values)


NAMED_MESSAGE = _(
    "Ítem {item}, documento de control (número): {detalle} La subpartida {subpartida} requiere "
    "{documento} de {entidad} vigente, del importador y con saldo para la cantidad declarada."
)
UNNEEDED_MESSAGE = _(
    "Ítem {item}, documento de control (número): la subpartida {subpartida} no requiere un "
    "documento de control previo de la Ventanilla Única; quite el número {doc} (no se descarga)."
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


def redescargar_dai(dai) -> None:
    """An approved correction changed the DAI's items (``correcciones``' ``after_apply``): what it
    discharged is given back and its items discharged again, in the approval's transaction."""
    from ecuapass.correcciones.changes import ChangeError

    from .services import VueError

    edoc = dai.edoc
    liberar_dai(edoc)
    if edoc.party_operator_id is None:
        return
    getattr(dai, "_prefetched_objects_cache", {}).pop("items", None)  # the items just written
    on = descargo.declaration_date(edoc)
    try:
        descargo.descargar(edoc, needs_of(dai, on), on)
    except VueError as exc:
        raise ChangeError([("items", str(exc))]) from None

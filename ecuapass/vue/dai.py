"""Declarations and permits: a DAI item on a line the tariff restricts needs a valid documento de
control previo of the importer, of the right type, with balance for the item's quantity; the
quantity is discharged from that balance when the DAI is accepted and given back if it is annulled.

The permit an item draws from is chosen by the system among the importer's valid permits of the
required type for that line — the one expiring first with enough balance — and recorded as a
``Descargo`` row (the declaration's documento de acompañamiento). The rule (``DAI-410``) runs with
the engine's other rules; the descargo runs in the acceptance's transaction under row locks and
a check constraint, so two declarations cannot spend the same balance (the loser's processing
fails, is retried, and its rule then rejects it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from ecuapass.edocs.rules import Phase, Rule

from . import coverage
from .models import Descargo, DocumentoEmitido, Saldo


@dataclass(frozen=True)
class Need:
    item: int
    subpartida: str
    cantidad: Decimal
    unidades: dict  # unit → quantity the item declares in it


def _needs(dai):
    for item in dai.items.order_by("numero"):
        unidades = {}
        if item.unidad_fisica:
            unidades[item.unidad_fisica] = item.cantidad_fisica
        if item.unidad_comercial:
            unidades.setdefault(item.unidad_comercial, item.cantidad_comercial)
        if item.peso_neto:
            unidades.setdefault("KG", item.peso_neto)
        yield item.numero, item.subpartida, unidades


def allocate(dai, operator_id, on, *, lock: bool = False):
    """([(item, saldo, cantidad)], [(item, subpartida, tipo)]) — what each restricted item draws
    from, and the items with no usable permit (their required type)."""
    taken: dict[int, Decimal] = {}
    plan, missing = [], []
    for numero, subpartida, unidades in _needs(dai):
        for tipo in coverage.required_types(subpartida, on):
            saldos = Saldo.objects.filter(
                subpartida=subpartida,
                documento__titular_id=operator_id,
                documento__tipo=tipo,
                documento__estado=DocumentoEmitido.Estado.VIGENTE,
                documento__valido_desde__lte=on,
                documento__valido_hasta__gte=on,
                descargado__lt=F("autorizado"),
            ).order_by("documento__valido_hasta", "pk")
            if lock:
                saldos = saldos.select_for_update()
            chosen = None
            for saldo in saldos:
                cantidad = unidades.get(saldo.unidad)
                if cantidad is None:
                    continue
                if saldo.disponible - taken.get(saldo.pk, Decimal(0)) >= cantidad:
                    chosen = (numero, saldo, cantidad)
                    break
            if chosen is None:
                missing.append((numero, subpartida, tipo))
                continue
            taken[chosen[1].pk] = taken.get(chosen[1].pk, Decimal(0)) + chosen[2]
            plan.append(chosen)
    return plan, missing


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
        _plan, missing = allocate(ctx.content, operator_id, ctx.on)
        for item, subpartida, tipo in missing:
            yield self.error(
                field=f"items[{item - 1}].subpartida",
                item=item,
                subpartida=subpartida,
                documento=tipo.name,
                entidad=tipo.entidad.code,
            )


def descargar_dai(edoc) -> None:
    """At acceptance (in its transaction): discharge each restricted item from its permit."""
    from .services import VueError

    dai = edoc.content
    if dai is None or edoc.party_operator_id is None:
        return
    plan, missing = allocate(dai, edoc.party_operator_id, _declaration_date(edoc), lock=True)
    if missing:
        raise VueError(
            _("La declaración %(n)s ya no tiene saldo de permisos para los ítems %(i)s.")
            % {"n": edoc.numero_entrega, "i": ", ".join(str(m[0]) for m in missing)}
        )
    for item, saldo, cantidad in plan:
        _row, created = Descargo.objects.get_or_create(
            saldo=saldo, declaracion=edoc, item=item, defaults={"cantidad": cantidad}
        )
        if created:
            Saldo.objects.filter(pk=saldo.pk).update(descargado=F("descargado") + cantidad)


def liberar_dai(edoc) -> None:
    """An annulled declaration gives its quantities back."""
    for descargo in Descargo.objects.select_related("saldo").filter(declaracion=edoc):
        Saldo.objects.filter(pk=descargo.saldo_id).update(
            descargado=F("descargado") - descargo.cantidad
        )
        descargo.delete()


def _declaration_date(edoc):
    from django.utils import timezone

    return timezone.localdate(edoc.sent_on) if edoc.sent_on else timezone.localdate()

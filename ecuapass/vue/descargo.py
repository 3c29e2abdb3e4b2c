"""Declarations and the VUE documents they draw on, for every declaration type: one allocation,
one discharge, one release.

A declaration type says which of its items need a VUE document as a list of ``Need`` (the item,
its subpartida, the document type required, the quantities it declares by unit and, when the filer
names it, the document's number and the field naming it). Then:

* ``allocate(needs, titular_id, on)`` — the balance each need draws from: the named document (which
  must be issued, in force on ``on``, of the required type, of the holder, covering the subpartida
  and with balance for the quantity) or, when none is named, the holder's valid document of that
  type expiring first with enough balance. Returns the plan and the ``Problem`` of each need that
  cannot draw, as the reader reads it (item, field, Spanish message).
* ``descargar(edoc, needs, on)`` — at acceptance, in its transaction: the balances are locked,
  allocated again and discharged (a ``Descargo`` row per item; a check constraint makes an
  overdraw impossible even for a caller that skipped the check). Once per declaration.
* ``liberar(edoc)`` — an annulled declaration, or one whose items change, gives its quantities back.

The DAI's rule DAI-410 (``vue.dai``) and the DAE's control documents (``exportacion.controles``)
both use these functions (docs/adr/0009-vue-agencies-and-permits.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q
from django.utils.translation import gettext as _

from ecuapass.core import formatting
from ecuapass.customs.services import dotted_subpartida

from .models import Descargo, DocumentoEmitido, Saldo, TipoDocumento


@dataclass(frozen=True)
class Need:
    item: int  # the item's number (1-based)
    subpartida: str  # 10 digits
    tipo: TipoDocumento
    unidades: dict = field(default_factory=dict)  # unit → quantity the item declares in it
    numero: str = ""  # the document the filer named ("": the system chooses)


@dataclass(frozen=True)
class Problem:
    need: Need
    message: str  # empty: no usable document of the type (the caller's own message)


def unidades_of(item) -> dict:
    """The quantities an item declares, by unit: physical, commercial and its net weight in KG."""
    unidades = {}
    if item.unidad_fisica:
        unidades[item.unidad_fisica] = item.cantidad_fisica
    if item.unidad_comercial:
        unidades.setdefault(item.unidad_comercial, item.cantidad_comercial)
    if item.peso_neto:
        unidades.setdefault("KG", item.peso_neto)
    return unidades


def _usable(qs, titular_id, tipo, on):
    return qs.filter(
        documento__titular_id=titular_id,
        documento__tipo=tipo,
        documento__estado=DocumentoEmitido.Estado.VIGENTE,
        documento__valido_desde__lte=on,
        documento__valido_hasta__gte=on,
    )


def _why_not_named(need: Need, titular_id, on: date, taken: dict) -> str:
    """Why the document the filer named cannot cover the need (the first reason found)."""
    documento = (
        DocumentoEmitido.objects.select_related("tipo").filter(numero=need.numero.strip()).first()
    )
    values = {"doc": need.numero, "tipo": need.tipo.name, "entidad": need.tipo.entidad.code}
    if documento is None or documento.titular_id != titular_id:
        return (
            _(
                "el documento %(doc)s no existe en la Ventanilla Única o no es del titular de la declaración."
            )
            % values
        )
    if documento.tipo_id != need.tipo.pk:
        return _("el documento %(doc)s no es un %(tipo)s de %(entidad)s.") % values
    if documento.estado == DocumentoEmitido.Estado.ANULADO:
        return _("el documento %(doc)s fue anulado por %(entidad)s.") % values
    if not (documento.valido_desde <= on <= documento.valido_hasta):
        return _("el documento %(doc)s no está vigente (válido del %(d)s al %(h)s).") % {
            **values,
            "d": formatting.fecha(documento.valido_desde),
            "h": formatting.fecha(documento.valido_hasta),
        }
    saldos = [s for s in documento.saldos.all() if s.subpartida == need.subpartida]
    if not saldos:
        return _("el documento %(doc)s no ampara la subpartida %(s)s.") % {
            **values,
            "s": dotted_subpartida(need.subpartida),
        }
    for saldo in saldos:
        cantidad = need.unidades.get(saldo.unidad)
        if cantidad is None:
            continue
        left = saldo.disponible - taken.get(saldo.pk, Decimal(0))
        if left == saldo.autorizado:  # nothing drawn yet: it authorises less than declared
            text = _(
                "el documento %(doc)s no alcanza: autoriza %(q)s %(u)s y el ítem declara "
                "%(c)s %(u)s."
            )
        else:
            text = _(
                "el documento %(doc)s ya fue descargado: su saldo es %(q)s %(u)s y el ítem "
                "declara %(c)s %(u)s."
            )
        return text % {
            **values,
            "q": formatting.number(left),
            "u": saldo.unidad,
            "c": formatting.number(cantidad),
        }
    return _(
        "el documento %(doc)s autoriza la subpartida en %(u)s, unidad que el ítem no declara."
    ) % {
        **values,
        "u": ", ".join(sorted({s.unidad for s in saldos})),
    }


def allocate(needs, titular_id, on: date, *, lock: bool = False, declaracion=None):
    """([(need, saldo, cantidad)], [Problem]) — what each need draws from, and those that cannot.

    ``declaracion``: what it already discharged is available to it again (its correction is
    checked before the discharges are given back and taken anew)."""
    own = _own(declaracion) if needs and declaracion is not None else {}
    # What this allocation takes from each balance; the declaration's own discharges start it
    # below zero.
    taken: dict[int, Decimal] = {pk: -cantidad for pk, cantidad in own.items()}
    plan, problems = [], []
    for need in needs:
        saldos = _usable(Saldo.objects.all(), titular_id, need.tipo, on).filter(
            Q(descargado__lt=F("autorizado")) | Q(pk__in=list(own)), subpartida=need.subpartida
        )
        if need.numero:
            saldos = saldos.filter(documento__numero=need.numero.strip())
        saldos = saldos.order_by("documento__valido_hasta", "pk")
        if lock:
            saldos = saldos.select_for_update()
        chosen = None
        for saldo in saldos:
            cantidad = need.unidades.get(saldo.unidad)
            if cantidad is None:
                continue
            if saldo.disponible - taken.get(saldo.pk, Decimal(0)) >= cantidad:
                chosen = (need, saldo, cantidad)
                break
        if chosen is None:
            message = _why_not_named(need, titular_id, on, taken) if need.numero else ""
            problems.append(Problem(need, message))
            continue
        taken[chosen[1].pk] = taken.get(chosen[1].pk, Decimal(0)) + chosen[2]
        plan.append(chosen)
    return plan, problems


def _own(declaracion) -> dict[int, Decimal]:
    """The balances ``declaracion`` discharged, with how much (none before its acceptance)."""
    if declaracion.pk is None:
        return {}
    own: dict[int, Decimal] = {}
    for saldo_id, cantidad in Descargo.objects.filter(declaracion=declaracion).values_list(
        "saldo_id", "cantidad"
    ):
        own[saldo_id] = own.get(saldo_id, Decimal(0)) + cantidad
    return own


def declaration_date(edoc) -> date:
    """The day a declaration was sent (the documents must be in force then)."""
    from django.utils import timezone

    return timezone.localdate(edoc.sent_on) if edoc.sent_on else timezone.localdate()


def descargar(edoc, needs, on: date) -> None:
    """At acceptance (in its transaction): discharge each need from its document's balance.

    Once per declaration: a declaration that already discharged (a later move into the same
    state) is left as it is; ``liberar`` first to discharge again (changed items).
    """
    from .services import VueError

    needs = list(needs)
    if not needs:  # nothing to discharge (the declaration's lines need no VUE document)
        return
    if Descargo.objects.filter(declaracion=edoc).exists():
        return
    plan, problems = allocate(needs, edoc.party_operator_id, on, lock=True)
    if problems:
        raise VueError(
            _("La declaración %(n)s ya no tiene saldo de documentos VUE para los ítems %(i)s.")
            % {
                "n": edoc.document_number or edoc.numero_entrega,
                "i": ", ".join(str(p.need.item) for p in problems),
            }
        )
    for need, saldo, cantidad in plan:
        _row, created = Descargo.objects.get_or_create(
            saldo=saldo, declaracion=edoc, item=need.item, defaults={"cantidad": cantidad}
        )
        if created:
            Saldo.objects.filter(pk=saldo.pk).update(descargado=F("descargado") + cantidad)


def liberar(edoc) -> None:
    """The declaration gives its discharged quantities back."""
    for descargo in Descargo.objects.select_related("saldo").filter(declaracion=edoc):
        Saldo.objects.filter(pk=descargo.saldo_id).update(
            descargado=F("descargado") - descargo.cantidad
        )
        descargo.delete()


def of_declaration(edoc):
    """The discharges of a declaration with their documents (its page shows them)."""
    return (
        Descargo.objects.filter(declaracion=edoc)
        .select_related("saldo__documento__tipo__entidad")
        .order_by("item", "pk")
    )

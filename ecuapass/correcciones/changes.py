"""Proposed changes to a declaration: validated in its own shapes, compared field by field, applied.

The declaration is any registered target (``targets``: the DAI, the DAE); ``dai`` below names its
content (a ``Dai`` or a ``Dae``). The changes are the declaration payload's own shape (the target's
``payload_of``): ``cabecera`` holds the header values that change (nested as in the payload:
``factura.numero``…), ``items`` the complete new list of items. ``corrected(dai, cabecera, items)``
merges them into the payload, validates the result with the target's serializer and builds an
unsaved copy of the declaration; ``new_errors`` runs the declaration type's own rules on the copy
and reports what the changes break; ``diff`` compares two payloads field by field; ``apply`` writes
the copy onto the declaration and, for the DAI, recomputes its liquidación with the customs
services. Nothing here is saved except by ``apply``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.customs.models import Dai
from ecuapass.customs.serializers import DaiSerializer

from . import targets

# The DAI's header data a request may not change: who declares, for whom, where, under which
# régimen (the número de documento is distrito-año-régimen-secuencial and stays).
IMMUTABLE_PAYLOAD = (
    "tipo_documento",
    "distrito",
    "regimen",
    "declarante",
    "importador",
    "items",
    "totales",
)
IMMUTABLE_FIELDS = frozenset(
    {
        "distrito",
        "regimen",
        "declarante_ruc",
        "declarante_nombre",
        "importador_ruc",
        "importador_nombre",
        "totales_declarados",
    }
)
# Payload paths whose Dai field has another name (the rest are the field's own name).
NESTED_FIELDS = {
    "documento_transporte.mrn": "mrn",
    "documento_transporte.msn": "msn",
    "documento_transporte.hsn": "hsn",
    "factura.numero": "factura_numero",
    "factura.fecha": "factura_fecha",
}


class CabeceraSerializer(DaiSerializer):
    """The header fields of a DAI a request may change, validated as the DAI's (partial)."""

    tipo_documento = None
    distrito = None
    regimen = None
    declarante = None
    importador = None
    items = None
    totales = None


class ChangeError(Exception):
    """The changes do not make a valid declaration: ``errors`` is a list of (field, message)."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in errors))
        self.errors = errors


class _Items:
    """What the DAI's rules and ``payload_of`` read of ``dai.items``, over unsaved rows."""

    def __init__(self, rows):
        self._rows = list(rows)

    def all(self):
        return list(self._rows)

    def order_by(self, *fields):
        return sorted(self._rows, key=lambda i: i.numero)

    def __iter__(self):
        return iter(self._rows)


class Corrected:
    """An unsaved copy of a DAI with the changes applied (header and items).

    Reads like the ``Dai`` it copies (attributes, ``pk``, ``edoc``), with ``items`` over the new
    rows: the DAI's rules and ``payload_of`` work on it as on the declaration.
    """

    def __init__(self, header, rows: list):
        self.header = header
        self.rows = rows
        self.items = _Items(rows)

    def __getattr__(self, name):
        return getattr(self.header, name)


def _merge(base: dict, changes: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _flatten(errors, prefix: str = ""):
    from ecuapass.edocs.engine_rules import flatten_errors

    return list(flatten_errors(errors, prefix))


def _payload_field(field: str, whole: str) -> str:
    """A DAI serializer's error field as the request names it (``items[n].x``, ``cabecera.x``)."""
    if not field:
        return whole
    numbered = re.match(r"^items\.(\d+)(\..*)?$", field)
    if numbered:  # a dict of errors keyed by the item's index (0-based)
        return f"items[{int(numbered.group(1)) + 1}]{numbered.group(2) or ''}"
    return field if field.startswith("items") else f"cabecera.{field}"


def corrected(dai, cabecera: dict | None, items: list | None) -> Corrected:
    """The declaration ``dai`` with ``cabecera`` and ``items`` (payload shape) applied.

    Raises ``ChangeError`` with the fields (``cabecera.…``, ``items[n].…``) at fault.
    """
    target = targets.for_content(dai)
    cabecera = {k: v for k, v in (cabecera or {}).items() if k not in target.immutable_payload}
    merged = _merge(target.payload_of(dai), cabecera)
    if items:
        merged["items"] = items
    serializer = target.serializer()(data=merged)
    if not serializer.is_valid():
        whole = "items" if items else "cabecera"  # e.g. totals that overflow their columns
        raise ChangeError(
            [
                (_payload_field(field, whole), message)
                for field, message in _flatten(serializer.errors)
            ]
        )
    data = serializer.validated_data
    header = copy.copy(dai)
    for name, value in target.header_values(data).items():
        if name not in target.immutable_fields:
            setattr(header, name, value)
    header.totales_declarados = None
    source = data["items"] if items else None
    rows = (
        target.item_rows(source, header)
        if source
        else [copy.copy(i) for i in dai.items.order_by("numero")]
    )
    header.recompute_totals(rows)
    return Corrected(header, rows)


def validate_items(items, doc_type: str = "DAI") -> list[dict]:
    """Items in the declaration's item shape; raises ``ChangeError``."""
    serializer = targets.of(doc_type).item_serializer()(data=items, many=True)
    if not serializer.is_valid():
        raise ChangeError(_flatten(serializer.errors, "items"))
    return serializer.validated_data


# --- the DAI's own rules on the corrected copy ---------------------------------------------------
def _rule_errors(dai_edoc, content) -> list:
    from ecuapass.edocs.rules import Phase, RuleContext, run_phase

    doc_type = dai_edoc.type
    ctx = RuleContext(
        edoc=dai_edoc, content=content, doc_type=doc_type, on=timezone.localdate(dai_edoc.sent_on)
    )
    rules = list(doc_type.rules)
    return [e for phase in (Phase.DOCUMENTO, Phase.NEGOCIO) for e in run_phase(rules, phase, ctx)]


def _request_field(field: str) -> str:
    if not field or field.startswith("items"):
        return field
    return f"cabecera.{field}"


def new_errors(dai, result: Corrected) -> list[tuple[str, str]]:
    """What the DAI's rules find in the corrected declaration that they do not find in ``dai``."""
    known = {(e.code, e.field) for e in _rule_errors(dai.edoc, dai)}
    return [
        (_request_field(e.field), e.message)
        for e in _rule_errors(dai.edoc, result)
        if (e.code, e.field) not in known
    ]


# --- comparing payloads ----------------------------------------------------------------------------
def _leaves(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, data


def diff(before: dict, after: dict) -> list[dict]:
    """Field by field: ``[{"campo", "antes", "despues"}]`` (items by their number)."""
    changes = []
    head_before = dict(_leaves({k: v for k, v in before.items() if k != "items"}))
    head_after = dict(_leaves({k: v for k, v in after.items() if k != "items"}))
    for key in list(head_before) + [k for k in head_after if k not in head_before]:
        old, new = head_before.get(key), head_after.get(key)
        if old != new:
            changes.append({"campo": key, "antes": old, "despues": new})
    items_before, items_after = before.get("items") or [], after.get("items") or []
    for n in range(1, max(len(items_before), len(items_after)) + 1):
        old = items_before[n - 1] if n <= len(items_before) else {}
        new = items_after[n - 1] if n <= len(items_after) else {}
        for name in [*old, *(k for k in new if k not in old)]:
            if old.get(name) != new.get(name):
                changes.append(
                    {
                        "campo": f"items[{n}].{name}",
                        "antes": old.get(name),
                        "despues": new.get(name),
                    }
                )
    return changes


def label(campo: str, doc_type: str = "DAI") -> str:
    """A reader's name of a diff's field: «Ítem 2: FOB», «Número de factura comercial»."""
    target = targets.of(doc_type)
    if campo.startswith("items["):
        number, _sep, name = campo[len("items[") :].partition("].")
        try:
            field = str(target.item_model()._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 - an unknown name is shown as it is
            field = name
        return _("Ítem %(n)s: %(campo)s") % {"n": number, "campo": field[:1].upper() + field[1:]}
    name = target.nested_fields.get(campo, campo)
    try:
        text = str(target.model()._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return campo
    return text[:1].upper() + text[1:]


def liquidation_date(dai: Dai):
    """The date of the DAI's liquidación (the tariff in force when it was declared)."""
    from ecuapass.customs.models import Liquidacion

    liq = Liquidacion.objects.filter(dai=dai).first()
    return (liq.fecha if liq is not None and liq.fecha else None) or timezone.localdate(
        dai.edoc.sent_on
    )


def liquidation_errors(dai, result: Corrected) -> list[tuple[str, str]]:
    """Whether the corrected declaration liquidates (customs.services.liquidate, nothing saved)."""
    from ecuapass.customs.models import Liquidacion

    if not targets.for_content(dai).liquidates:
        return []
    from ecuapass.customs.services import AmountOverflow, liquidate

    liq = Liquidacion()
    try:
        liquidate(
            copy.copy(result.header),
            [copy.copy(row) for row in result.rows],
            liq,
            on=liquidation_date(dai),
        )
    except AmountOverflow as exc:
        return [
            (f"items[{index + 1}].fob" if index is not None else "cabecera", message)
            for index, message in exc.errors
        ]
    if liq.error:
        return [
            ("items", _("La declaración corregida no se puede liquidar: %(e)s") % {"e": liq.error})
        ]
    return []


def validate(dai, cabecera: dict | None, items: list | None) -> Corrected:
    """The corrected declaration, or ``ChangeError`` with everything wrong with the changes:
    the declaration's shapes, nothing to change, what its rules find, the DAI's liquidación."""
    payload_of = targets.for_content(dai).payload_of
    result = corrected(dai, cabecera, items)
    if not diff(payload_of(dai), payload_of(result)):
        raise ChangeError(
            [
                (
                    "cabecera",
                    _(
                        "Los cambios propuestos son iguales a lo declarado: no hay nada que cambiar."
                    ),
                )
            ]
        )
    errors = new_errors(dai, result) or liquidation_errors(dai, result)
    if errors:
        raise ChangeError(errors)
    return result


def proposed_diff(dai, cabecera: dict | None, items: list | None) -> list[dict]:
    """The changes a request proposes against ``dai`` as it is now (canonical values)."""
    payload_of = targets.for_content(dai).payload_of
    return diff(payload_of(dai), payload_of(corrected(dai, cabecera, items)))


# --- applying ---------------------------------------------------------------------------------------
def liquidacion_snapshot(dai) -> dict:
    from ecuapass.customs.models import Liquidacion

    if not targets.for_content(dai).liquidates:
        return {}
    liq = Liquidacion.objects.filter(dai=dai).first()
    if liq is None:
        return {}
    names = [
        "total_cif",
        "total_ad_valorem",
        "total_especifico",
        "total_salvaguardia",
        "total_fodinfa",
        "total_ice",
        "total_iva",
        "total_tributos",
    ]
    return {
        "fecha": liq.fecha.isoformat() if liq.fecha else None,
        "error": liq.error,
        **{name: str(getattr(liq, name)) for name in names},
    }


@dataclass(frozen=True)
class Applied:
    antes: dict
    despues: dict
    cambios: list
    liquidacion_antes: dict
    liquidacion_despues: dict

    @property
    def diferencia(self) -> Decimal:
        before = Decimal(self.liquidacion_antes.get("total_tributos") or "0")
        after = Decimal(self.liquidacion_despues.get("total_tributos") or "0")
        return after - before


def apply(dai, result: Corrected) -> Applied:
    """Write ``result`` onto ``dai`` (header, items); the DAI's liquidación is recomputed.

    The liquidación is recomputed by ``customs.services.recompute`` on the date of the original
    one (the tariff in force when the DAI was declared) and frozen again; other targets run their
    ``after_apply``. Call inside the approval's transaction; raises ``ChangeError`` when the
    result cannot stand (the tariff cannot liquidate it…).
    """
    target = targets.for_content(dai)
    payload_of = target.payload_of
    antes = payload_of(dai)
    liquidacion_antes = liquidacion_snapshot(dai)
    for field in target.model()._meta.concrete_fields:
        name = field.attname
        if name in ("id", "edoc_id", *target.skip_fields) or name in target.immutable_fields:
            continue
        setattr(dai, name, getattr(result.header, name))
    dai.save()
    item_model = target.item_model()
    item_model.objects.filter(**{target.item_fk: dai}).delete()
    for row in result.rows:
        row.pk = None
        setattr(row, target.item_fk, dai)
    item_model.objects.bulk_create(result.rows)
    if target.liquidates:
        _reliquidate(dai)
    if target.after_apply is not None:
        target.after_apply(dai)
    despues = payload_of(dai)
    return Applied(
        antes=antes,
        despues=despues,
        cambios=diff(antes, despues),
        liquidacion_antes=liquidacion_antes,
        liquidacion_despues=liquidacion_snapshot(dai),
    )


def _reliquidate(dai: Dai) -> None:
    from ecuapass.customs.models import Liquidacion
    from ecuapass.customs.services import AmountOverflow, freeze, recompute

    on = liquidation_date(dai)
    Liquidacion.objects.filter(dai=dai).update(frozen_on=None)
    try:
        liq = recompute(dai, on=on)
    except AmountOverflow as exc:
        raise ChangeError([("items", message) for _index, message in exc.errors]) from None
    if liq.error:
        raise ChangeError(
            [
                (
                    "items",
                    _("La declaración corregida no se puede liquidar: %(e)s") % {"e": liq.error},
                )
            ]
        )
    freeze(dai)


def changes_between(dai, result: Corrected) -> tuple[dict, list | None]:
    """What ``result`` changes in ``dai``, as a request carries it: (cabecera, items or None)."""
    target = targets.for_content(dai)
    before, after = target.payload_of(dai), target.payload_of(result)
    cabecera = {
        key: value
        for key, value in after.items()
        if key not in target.immutable_payload and before.get(key) != value
    }
    items = after["items"] if after["items"] != before["items"] else None
    return cabecera, items

"""What a técnico may correct in a declaration, and the DAI liquidated again with the corrections.

``FIELDS`` is the one list of correctable fields (of an item or of the header), each with its
label and how its new value is read and checked. ``reliquidate(dai, corrections)`` applies the
corrections in effect to copies of the declared data (the accepted DAI and its frozen
liquidación are never changed) and runs the tariff calculator the DAI uses, on the date of the
original liquidación, so the only differences are the corrections'.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecuapass.core.money import cents

from .errors import DespachoError

# The tributes compared by a reliquidación, in the liquidación's order: (key, Liquidacion field).
TRIBUTES = (
    ("ad_valorem", "total_ad_valorem"),
    ("especifico", "total_especifico"),
    ("salvaguardia", "total_salvaguardia"),
    ("fodinfa", "total_fodinfa"),
    ("ice", "total_ice"),
    ("iva", "total_iva"),
    ("total_tributos", "total_tributos"),
)
TRIBUTE_LABELS = {
    "ad_valorem": gettext_lazy("Ad valorem"),
    "especifico": gettext_lazy("Específico"),
    "salvaguardia": gettext_lazy("Salvaguardia"),
    "fodinfa": gettext_lazy("FODINFA"),
    "ice": gettext_lazy("ICE"),
    "iva": gettext_lazy("IVA"),
    "total_tributos": gettext_lazy("Total tributos"),
}


def _decimal(minimum: Decimal, places: int) -> Callable[[str], Decimal]:
    def parse(text: str) -> Decimal:
        try:
            value = Decimal(str(text).strip().replace(",", "."))
        except InvalidOperation:
            raise DespachoError(_("Ingrese un número.")) from None
        if not value.is_finite() or value < minimum:
            raise DespachoError(_("Ingrese un número mayor o igual a %(min)s.") % {"min": minimum})
        quantized = value.quantize(Decimal(1).scaleb(-places))
        if quantized != value or value >= Decimal(10) ** (14 - places):
            raise DespachoError(_("Ingrese un número de hasta %(n)s decimales.") % {"n": places})
        return value

    return parse


def _subpartida(text: str) -> str:
    from ecuapass.tariff.codes import CommodityCode

    parsed = CommodityCode.try_parse(str(text or ""))
    if parsed is None or not parsed.is_line:
        raise DespachoError(
            _("«%(code)s» no es una subpartida nacional de 10 dígitos (p. ej. 0901.21.10.00).")
            % {"code": str(text)[:30]}
        )
    return parsed.digits


def _country(text: str) -> str:
    from ecuapass.core.models import Country

    code = str(text or "").strip().upper()
    if not Country.objects.filter(code=code).exists():
        raise DespachoError(_("«%(code)s» no es un país del catálogo.") % {"code": code[:10]})
    return code


@dataclass(frozen=True)
class FieldSpec:
    label: object
    item: bool  # a field of an item (else of the header)
    parse: Callable[[str], object]


FIELDS: dict[str, FieldSpec] = {
    "subpartida": FieldSpec(gettext_lazy("Subpartida"), True, _subpartida),
    "fob": FieldSpec(gettext_lazy("Valor FOB"), True, _decimal(Decimal("0"), 2)),
    "flete": FieldSpec(gettext_lazy("Flete"), True, _decimal(Decimal("0"), 2)),
    "seguro": FieldSpec(gettext_lazy("Seguro"), True, _decimal(Decimal("0"), 2)),
    "cantidad_fisica": FieldSpec(
        gettext_lazy("Cantidad física"), True, _decimal(Decimal("0.0001"), 4)
    ),
    "peso_neto": FieldSpec(gettext_lazy("Peso neto (kg)"), True, _decimal(Decimal("0"), 3)),
    "pais_origen": FieldSpec(gettext_lazy("País de origen"), True, _country),
    "tipo_cambio": FieldSpec(
        gettext_lazy("Tipo de cambio"), False, _decimal(Decimal("0.000001"), 6)
    ),
}


def field_choices() -> list[tuple[str, str]]:
    return [(name, str(spec.label)) for name, spec in FIELDS.items()]


def _text(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return "" if value is None else str(value)


def check(dai, *, field: str, item_numero: int | None, new_value: str) -> tuple[str, str]:
    """Validate a proposed correction; returns (declared value, new value) as text.

    Raises ``DespachoError`` naming the field at fault (``campo``, ``item``, ``valor``).
    """
    spec = FIELDS.get(field)
    if spec is None:
        raise DespachoError(_("Elija un campo de la lista."), field="campo")
    if spec.item:
        item = next((i for i in dai.items.all() if i.numero == item_numero), None)
        if item is None:
            raise DespachoError(
                _("La declaración no tiene el ítem %(n)s.") % {"n": item_numero or "—"},
                field="item",
            )
        current = getattr(item, field)
    else:
        if item_numero:
            raise DespachoError(
                _("«%(campo)s» es un campo de la cabecera: no indique ítem.")
                % {"campo": spec.label},
                field="item",
            )
        current = getattr(dai, field)
    try:
        parsed = spec.parse(new_value)
    except DespachoError as exc:
        raise DespachoError(exc.message, field="valor") from None
    if parsed == current:
        raise DespachoError(_("El valor corregido es igual al declarado."), field="valor")
    return _text(current), _text(parsed)


# --- the re-liquidation ----------------------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    tributo: str
    original: Decimal
    corregido: Decimal

    @property
    def diferencia(self) -> Decimal:
        return self.corregido - self.original

    @property
    def label(self) -> str:
        return str(TRIBUTE_LABELS[self.tributo])


@dataclass(frozen=True)
class Outcome:
    fecha: date
    tributos: tuple[Difference, ...]
    detalle: dict

    def total(self) -> Difference:
        return next(d for d in self.tributos if d.tributo == "total_tributos")

    @property
    def rises(self) -> bool:
        return self.total().diferencia > 0


def corrected_copy(dai, corrections: Iterable):
    """(header copy, item copies) of ``dai`` with ``corrections`` applied; nothing is saved."""
    header = copy.copy(dai)
    items = {i.numero: copy.copy(i) for i in dai.items.all()}
    for c in corrections:
        spec = FIELDS[c.field]
        value = spec.parse(c.new_value)
        target = items[c.item_numero] if spec.item else header
        setattr(target, c.field, value)
    return header, [items[n] for n in sorted(items)]


def reliquidate(dai, corrections: Iterable) -> Outcome:
    """The liquidación of ``dai`` with ``corrections``, compared tribute by tribute."""
    from ecuapass.customs.services import calculator_inputs
    from ecuapass.tariff.services.calculator import TariffError, calculate

    liq = dai.liquidacion
    on = liq.fecha or timezone.localdate(dai.edoc.sent_on)
    header, items = corrected_copy(dai, corrections)
    try:
        calc = calculate(on, calculator_inputs(items, header.tipo_cambio or Decimal("1")))
    except TariffError as exc:
        where = _("ítem %(n)s: ") % {"n": items[exc.index].numero} if exc.index is not None else ""
        raise DespachoError(where + exc.message, field="valor") from None
    totals = calc.totales
    tributos = tuple(
        Difference(key, cents(getattr(liq, liq_field)), cents(totals.get(key, Decimal("0"))))
        for key, liq_field in TRIBUTES
    )
    return Outcome(fecha=on, tributos=tributos, detalle=calc.as_dict())

"""Cálculo de tributos: the liquidación of import duties and taxes, item by item.

Per item (every rate and rule comes from dated rows with their legal basis):

* CIF (valor en aduana) = FOB + flete + seguro; without a seguro the dated
  ``seguro_presuntivo`` rule applies (a percentage of its base, FOB).
* Base ad valorem: the dated ``base_ad_valorem`` rule says CIF, or CIF minus the
  freight (from 2021-11-29).
* Ad valorem = tarifa × base; salvaguardia (surcharge) = tarifa × the same base.
* Específico = monto por unidad × cantidad.
* FODINFA = tarifa × CIF, when the line pays it.
* ICE = tarifa × (CIF + ad valorem + específico + salvaguardia + FODINFA)
  + monto por unidad × cantidad (the import ICE base is the ex-customs price).
* IVA = tarifa of the line's IVA class × (CIF + ad valorem + específico +
  salvaguardia + FODINFA + ICE).

Each tribute is rounded half-up to cents per item; the bases of later tributes
use the rounded earlier ones; totals are the sums of the rounded items.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ecuapass.core import formatting
from ecuapass.core.money import cents

from ..codes import CommodityCode
from ..models import Commodity, Measure, TaxRule
from .lookup import lines_in_force, rules_in_force

HUNDRED = Decimal("100")
ZERO = Decimal("0")
MAX_RATE = Decimal("1000")
AMOUNT_KEYS = (
    "cif",
    "base_ad_valorem",
    "ad_valorem",
    "especifico",
    "salvaguardia",
    "fodinfa",
    "ice",
    "iva",
    "total_tributos",
)
TRIBUTE_KEYS = ("ad_valorem", "especifico", "salvaguardia", "fodinfa", "ice", "iva")


class TariffError(ValueError):
    """Bad input for the calculator, with the item index and the field at fault."""

    def __init__(self, message: str, *, index: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.index = index
        self.field = field

    @property
    def path(self) -> str:
        if self.index is None:
            return self.field or "non_field_errors"
        return f"items[{self.index}].{self.field or 'subpartida'}"

    def as_fields(self) -> dict:
        """``{"items": {"0": {"fob": [msg]}}}`` or ``{"fecha": [msg]}`` (DRF style)."""
        if self.index is None:
            return {self.field or "non_field_errors": [self.message]}
        return {"items": {str(self.index): {self.field or "subpartida": [self.message]}}}


@dataclass
class ItemInput:
    subpartida: str | None
    fob: Decimal
    flete: Decimal
    seguro: Decimal | None
    cantidad: Decimal = Decimal("1")
    tarifa_ad_valorem: Decimal | None = None
    tarifa_ice: Decimal | None = None


@dataclass
class ItemResult:
    subpartida: str | None
    descripcion: str
    seguro: Decimal
    cif: Decimal
    base_ad_valorem: Decimal
    ad_valorem: Decimal
    especifico: Decimal
    salvaguardia: Decimal
    fodinfa: Decimal
    ice: Decimal
    iva: Decimal
    total_tributos: Decimal
    fundamentos: list[dict] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)
    muestra: bool = False

    def as_dict(self) -> dict:
        data = {
            "subpartida": self.subpartida,
            "descripcion": self.descripcion,
            "seguro": _money(self.seguro),
        }
        data.update({key: _money(getattr(self, key)) for key in AMOUNT_KEYS})
        data["fundamentos"] = self.fundamentos
        data["sobrescritas"] = list(self.overridden)
        data["muestra"] = self.muestra
        return data


@dataclass
class Calculation:
    fecha: date
    items: list[ItemResult]
    totales: dict[str, Decimal]

    @property
    def muestra(self) -> bool:
        return any(item.muestra for item in self.items)

    def as_dict(self) -> dict:
        data = {
            "fecha": self.fecha.isoformat(),
            "items": [item.as_dict() for item in self.items],
            "totales": {key: _money(value) for key, value in self.totales.items()},
            "muestra": self.muestra,
        }
        if self.muestra:
            data["aviso"] = str(settings.ECUAPASS_SAMPLE_TARIFF_LABEL)
        return data


def _money(value: Decimal) -> str:
    return f"{cents(value):.2f}"


def _rate(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    if "." not in text:
        return f"{text}.00"
    whole, frac = text.split(".")
    return f"{whole}.{frac.ljust(2, '0')}"


@functools.cache
def _labels(language: str | None) -> dict:
    """The names of the fundamentos in ``language`` (the active one), made once per process and
    language instead of translated again for every item."""
    return {
        "seguro": _("Seguro presuntivo"),
        "base": {value: _base_label(value) for value in TaxRule.Base.values},
        "ad_valorem": _("Ad valorem"),
        "especifico": _("Derecho específico"),
        "salvaguardia": _("Salvaguardia"),
        "fodinfa": _("FODINFA"),
        "fodinfa_exento": _("FODINFA (exento)"),
        "ice_ad_valorem": _("ICE ad valorem"),
        "ice_especifico": _("ICE específico"),
        "iva": {value: _iva_label(value) for value in Measure.IvaClass.values},
    }


def _iva_label(iva_class: str) -> str:
    return _("IVA (%(class)s)") % {"class": Measure.IvaClass(iva_class).label}


def _base_label(base) -> str:
    """The ad valorem's base line for a ``TaxRule.base`` value (or a rule: its own, unknown
    values included, as ``get_base_display`` shows them)."""
    display = base.get_base_display() if isinstance(base, TaxRule) else TaxRule.Base(base).label
    return _("Base imponible del ad valorem: %(base)s") % {"base": display}


def _fundamento(
    tributo: str,
    nombre: str,
    *,
    tarifa: Decimal | None,
    base: Decimal | None,
    valor: Decimal,
    source,
    muestra: bool = False,
    sobrescrita: bool = False,
    unidad: str = "",
    monto: Decimal | None = None,
) -> dict:
    """One line of "why": the rate, the base, the value and where the rate comes from."""
    return {
        "tributo": tributo,
        "nombre": nombre,
        "tarifa": _rate(tarifa),
        "monto_unitario": _rate(monto),
        "unidad": unidad,
        "base": _money(base) if base is not None else None,
        "valor": _money(valor),
        "fundamento_legal": (
            _("Simulación: tarifa ingresada por el usuario") if sobrescrita else source.legal_basis
        )
        if source is not None or sobrescrita
        else "",
        "vigencia_desde": source.valid_from.isoformat()
        if source is not None and not sobrescrita
        else None,
        "vigencia_hasta": source.valid_to.isoformat()
        if source is not None and not sobrescrita and source.valid_to
        else None,
        "muestra": bool(muestra and not sobrescrita),
        "sobrescrita": sobrescrita,
        "etiqueta": str(settings.ECUAPASS_SAMPLE_TARIFF_LABEL)
        if muestra and not sobrescrita
        else "",
    }


def _decimal(value, *, index: int, field_name: str, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise TariffError(_("Este campo es obligatorio."), index=index, field=field_name)
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise TariffError(
            _("«%(value)s» no es un número válido.") % {"value": value},
            index=index,
            field=field_name,
        ) from None
    if not number.is_finite():
        raise TariffError(_("Ingrese un número finito."), index=index, field=field_name)
    if number < 0:
        raise TariffError(_("El valor no puede ser negativo."), index=index, field=field_name)
    return number


def _rule(rules: dict, code: str, iva_class: str = "") -> TaxRule:
    rule = rules.get((code, iva_class))
    if rule is None:
        label = dict(TaxRule.Code.choices).get(code, code)
        raise TariffError(
            _("No hay una regla de %(rule)s vigente en la fecha del cálculo.") % {"rule": label},
            field="fecha",
        )
    return rule


def _measures(line: Commodity | None) -> dict[str, Measure]:
    if line is None:
        return {}
    return {m.kind: m for m in getattr(line, "measures_in_force", [])}


def calculate(fecha: date, items: Sequence[ItemInput]) -> Calculation:
    """Compute the tributes of ``items`` on ``fecha``; raises ``TariffError`` on bad input."""
    if not isinstance(fecha, date):
        raise TariffError(_("Ingrese la fecha del cálculo (AAAA-MM-DD)."), field="fecha")
    if not items:
        raise TariffError(_("Ingrese al menos un ítem."), field="items")
    rules = rules_in_force(fecha)
    insurance_rule = _rule(rules, TaxRule.Code.SEGURO_PRESUNTIVO)
    base_rule = _rule(rules, TaxRule.Code.BASE_AD_VALOREM)
    fodinfa_rule = _rule(rules, TaxRule.Code.FODINFA)

    codes: list[str | None] = []
    for index, item in enumerate(items):
        if item.subpartida in (None, ""):
            codes.append(None)
            continue
        parsed = CommodityCode.try_parse(str(item.subpartida))
        if parsed is None or not parsed.is_line:
            raise TariffError(
                _("«%(code)s» no es una subpartida nacional de 10 dígitos (p. ej. 0901.21.10.00).")
                % {"code": item.subpartida},
                index=index,
                field="subpartida",
            )
        codes.append(parsed.digits)
    lines = lines_in_force([c for c in codes if c], fecha)

    results = []
    for index, (item, code) in enumerate(zip(items, codes, strict=True)):
        line = lines.get(code) if code else None
        if code and line is None:
            exists = Commodity.objects.filter(code=code, level=10).exists()
            message = (
                _("La subpartida %(code)s no está vigente el %(date)s.")
                if exists
                else _("La subpartida %(code)s no existe en el arancel.")
            )
            raise TariffError(
                message % {"code": CommodityCode(code).dotted, "date": formatting.fecha(fecha)},
                index=index,
                field="subpartida",
            )
        results.append(
            _calculate_item(
                index, item, line, rules, insurance_rule, base_rule, fodinfa_rule, fecha
            )
        )
    totales = {key: sum((getattr(r, key) for r in results), ZERO) for key in AMOUNT_KEYS}
    return Calculation(fecha=fecha, items=results, totales=totales)


def _calculate_item(
    index: int,
    item: ItemInput,
    line: Commodity | None,
    rules: dict,
    insurance_rule: TaxRule,
    base_rule: TaxRule,
    fodinfa_rule: TaxRule,
    fecha: date,
) -> ItemResult:
    fob = _decimal(item.fob, index=index, field_name="fob")
    flete = _decimal(item.flete, index=index, field_name="flete")
    seguro_in = _decimal(item.seguro, index=index, field_name="seguro", required=False)
    cantidad = _decimal(
        item.cantidad if item.cantidad is not None else Decimal("1"),
        index=index,
        field_name="cantidad",
    )
    av_override = _decimal(
        item.tarifa_ad_valorem, index=index, field_name="tarifa_ad_valorem", required=False
    )
    ice_override = _decimal(item.tarifa_ice, index=index, field_name="tarifa_ice", required=False)
    for name, value in (("tarifa_ad_valorem", av_override), ("tarifa_ice", ice_override)):
        if value is not None and value > MAX_RATE:
            raise TariffError(
                _("La tarifa no puede pasar de %(max)s %%.") % {"max": MAX_RATE},
                index=index,
                field=name,
            )
    if line is None and av_override is None:
        raise TariffError(
            _("Ingrese la subpartida, o la tarifa ad valorem para una simulación."),
            index=index,
            field="subpartida",
        )

    measures = _measures(line)
    labels = _labels(get_language())
    fundamentos: list[dict] = []
    overridden: list[str] = []

    # Valor en aduana.
    if seguro_in is None:
        seguro = cents(fob * insurance_rule.rate / HUNDRED)
        fundamentos.append(
            _fundamento(
                "seguro",
                labels["seguro"],
                tarifa=insurance_rule.rate,
                base=fob,
                valor=seguro,
                source=insurance_rule,
            )
        )
    else:
        seguro = cents(seguro_in)
    cif = cents(fob + flete + seguro)
    if base_rule.base == TaxRule.Base.CIF_SIN_FLETE:
        base_av = cents(cif - flete)
    elif base_rule.base == TaxRule.Base.FOB:
        base_av = cents(fob)
    else:
        base_av = cif
    fundamentos.append(
        _fundamento(
            "base_ad_valorem",
            labels["base"].get(base_rule.base) or _base_label(base_rule),
            tarifa=None,
            base=cif,
            valor=base_av,
            source=base_rule,
        )
    )

    # Ad valorem.
    av_measure = measures.get(Measure.Kind.AD_VALOREM)
    if av_override is not None:
        av_rate, av_source, av_over = av_override, None, True
        overridden.append("ad_valorem")
    elif av_measure is not None and av_measure.rate is not None:
        av_rate, av_source, av_over = av_measure.rate, av_measure, False
    else:
        raise TariffError(
            _("La subpartida %(code)s no tiene tarifa ad valorem vigente el %(date)s.")
            % {"code": line.dotted, "date": formatting.fecha(fecha)},
            index=index,
            field="subpartida",
        )
    ad_valorem = cents(base_av * av_rate / HUNDRED)
    fundamentos.append(
        _fundamento(
            "ad_valorem",
            labels["ad_valorem"],
            tarifa=av_rate,
            base=base_av,
            valor=ad_valorem,
            source=av_source,
            muestra=bool(av_source and av_source.sample),
            sobrescrita=av_over,
        )
    )

    # Specific duty.
    especifico = ZERO
    esp = measures.get(Measure.Kind.ESPECIFICO)
    if esp is not None and esp.amount:
        especifico = cents(esp.amount * cantidad)
        fundamentos.append(
            _fundamento(
                "especifico",
                labels["especifico"],
                tarifa=None,
                monto=esp.amount,
                unidad=esp.unit.code if esp.unit_id else "",
                base=cantidad,
                valor=especifico,
                source=esp,
                muestra=esp.sample,
            )
        )

    # Safeguard surcharge.
    salvaguardia = ZERO
    salv = measures.get(Measure.Kind.SALVAGUARDIA)
    if salv is not None and (salv.rate or salv.amount):
        salvaguardia = cents(
            base_av * (salv.rate or ZERO) / HUNDRED + (salv.amount or ZERO) * cantidad
        )
        fundamentos.append(
            _fundamento(
                "salvaguardia",
                labels["salvaguardia"],
                tarifa=salv.rate,
                monto=salv.amount,
                base=base_av,
                valor=salvaguardia,
                source=salv,
                muestra=salv.sample,
            )
        )

    # FODINFA.
    fodinfa = ZERO
    fod_measure = measures.get(Measure.Kind.FODINFA)
    if fod_measure is None or fod_measure.applies:
        fodinfa = cents(cif * fodinfa_rule.rate / HUNDRED)
        fundamentos.append(
            _fundamento(
                "fodinfa",
                labels["fodinfa"],
                tarifa=fodinfa_rule.rate,
                base=cif,
                valor=fodinfa,
                source=fodinfa_rule,
            )
        )
    else:
        fundamentos.append(
            _fundamento(
                "fodinfa",
                labels["fodinfa_exento"],
                tarifa=ZERO,
                base=cif,
                valor=ZERO,
                source=fod_measure,
                muestra=fod_measure.sample,
            )
        )

    # ICE.
    ice = ZERO
    ice_av = measures.get(Measure.Kind.ICE_AD_VALOREM)
    ice_esp = measures.get(Measure.Kind.ICE_ESPECIFICO)
    ice_rate = None
    ice_source = None
    if ice_override is not None:
        ice_rate, ice_source = ice_override, None
        overridden.append("ice")
    elif ice_av is not None and ice_av.rate is not None:
        ice_rate, ice_source = ice_av.rate, ice_av
    ice_base = cif + ad_valorem + especifico + salvaguardia + fodinfa
    if ice_rate is not None:
        ice_part = cents(ice_base * ice_rate / HUNDRED)
        ice += ice_part
        fundamentos.append(
            _fundamento(
                "ice",
                labels["ice_ad_valorem"],
                tarifa=ice_rate,
                base=ice_base,
                valor=ice_part,
                source=ice_source,
                muestra=bool(ice_source and ice_source.sample),
                sobrescrita=ice_override is not None,
            )
        )
    if ice_esp is not None and ice_esp.amount:
        ice_part = cents(ice_esp.amount * cantidad)
        ice += ice_part
        fundamentos.append(
            _fundamento(
                "ice",
                labels["ice_especifico"],
                tarifa=None,
                monto=ice_esp.amount,
                unidad=ice_esp.unit.code if ice_esp.unit_id else "",
                base=cantidad,
                valor=ice_part,
                source=ice_esp,
                muestra=ice_esp.sample,
            )
        )

    # IVA.
    iva_measure = measures.get(Measure.Kind.IVA)
    iva_class = (
        iva_measure.iva_class
        if iva_measure is not None and iva_measure.iva_class
        else Measure.IvaClass.GENERAL
    )
    iva_rule = _rule(rules, TaxRule.Code.IVA, iva_class)
    iva_base = cif + ad_valorem + especifico + salvaguardia + fodinfa + ice
    iva = cents(iva_base * iva_rule.rate / HUNDRED)
    fundamentos.append(
        _fundamento(
            "iva",
            labels["iva"].get(iva_class) or _iva_label(iva_class),
            tarifa=iva_rule.rate,
            base=iva_base,
            valor=iva,
            source=iva_rule,
        )
    )

    total = ad_valorem + especifico + salvaguardia + fodinfa + ice + iva
    muestra = any(f["muestra"] for f in fundamentos) or bool(line and line.sample)
    return ItemResult(
        subpartida=line.dotted if line else None,
        descripcion=line.description_es if line else _("Simulación sin subpartida"),
        seguro=seguro,
        cif=cif,
        base_ad_valorem=base_av,
        ad_valorem=ad_valorem,
        especifico=especifico,
        salvaguardia=salvaguardia,
        fodinfa=fodinfa,
        ice=ice,
        iva=iva,
        total_tributos=total,
        fundamentos=fundamentos,
        overridden=overridden,
        muestra=muestra,
    )

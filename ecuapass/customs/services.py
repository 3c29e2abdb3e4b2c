"""DAI services: the editor's save, build from a payload, snapshot as payload, liquidación,
numbering."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.accounts.models import Operator
from ecuapass.core.db import retry_on_conflict
from ecuapass.core.money import cents
from ecuapass.core.numbering import next_value

from .models import ZERO, Dai, DaiItem, Liquidacion

ITEM_FIELDS = [
    "subpartida",
    "descripcion",
    "pais_origen",
    "cantidad_fisica",
    "unidad_fisica",
    "cantidad_comercial",
    "unidad_comercial",
    "peso_neto",
    "peso_bruto",
    "fob",
    "flete",
    "seguro",
    "documento_control_numero",
]
RESULT_FIELDS = [
    "cif",
    "base_ad_valorem",
    "ad_valorem",
    "especifico",
    "salvaguardia",
    "fodinfa",
    "ice",
    "iva",
    "total_tributos",
]

# What a liquidación writes on an item.
LIQUIDATED_FIELDS = [*RESULT_FIELDS, "fundamentos", "seguro_aplicado", "seguro_presuntivo"]


def normalize_subpartida(text: str) -> str:
    """``0901.21.10.00`` → ``0901211000`` when it is a code; the text unchanged otherwise."""
    from ecuapass.tariff.codes import CommodityCode

    parsed = CommodityCode.try_parse(str(text or ""))
    return parsed.digits if parsed else str(text or "").strip()


def clean_subpartida(text) -> str:
    """The subpartida as typed → its 10 digits: one rule for the editor, the Excel import
    and the API (anything else is a field error, never a value too long for the column)."""
    value = normalize_subpartida(text)
    if not (value.isdigit() and len(value) == 10):
        raise ValidationError(
            _("La subpartida tiene 10 dígitos (p. ej. 0901.21.10.00)."), code="invalid"
        )
    return value


def dotted_subpartida(digits: str) -> str:
    from ecuapass.tariff.codes import CommodityCode

    parsed = CommodityCode.try_parse(digits or "")
    return parsed.dotted if parsed else (digits or "")


# --- payload ⇄ model ------------------------------------------------------------
def header_values(data: dict) -> dict:
    """Validated payload (serializer.validated_data) → Dai field values."""
    transporte = data.get("documento_transporte") or {}
    factura = data.get("factura") or {}
    return {
        "distrito": data["distrito"],
        "regimen": data["regimen"],
        "tipo_despacho": data.get("tipo_despacho") or "normal",
        "declarante_ruc": data["declarante"]["ruc"],
        "declarante_nombre": data["declarante"]["nombre"],
        "importador_ruc": data["importador"]["ruc"],
        "importador_nombre": data["importador"]["nombre"],
        "mrn": transporte.get("mrn", ""),
        "msn": transporte.get("msn", ""),
        "hsn": transporte.get("hsn", ""),
        "pais_origen": data["pais_origen"],
        "pais_procedencia": data["pais_procedencia"],
        "pais_embarque": data["pais_embarque"],
        "puerto_embarque": data.get("puerto_embarque", ""),
        "fecha_embarque": data.get("fecha_embarque"),
        "fecha_llegada": data.get("fecha_llegada"),
        "incoterm": data["incoterm"],
        "moneda": data["moneda"],
        "tipo_cambio": data.get("tipo_cambio") or Decimal("1"),
        "forma_pago": data.get("forma_pago") or "contado",
        "factura_numero": factura.get("numero", ""),
        "factura_fecha": factura.get("fecha"),
        "totales_declarados": _jsonable(data.get("totales")),
    }


def _jsonable(value):
    if value is None:
        return None
    return {k: str(v) for k, v in value.items() if v is not None}


def item_rows(items: list[dict], dai=None) -> list[DaiItem]:
    """Unsaved ``DaiItem`` rows from validated items (``ItemSerializer`` data), numbered from 1."""
    rows = []
    for n, item in enumerate(items, start=1):
        row = DaiItem(
            dai=dai,
            numero=n,
            subpartida=normalize_subpartida(item["subpartida"]),
            **{name: item.get(name) for name in ITEM_FIELDS if name != "subpartida"},
        )
        for name in ("flete", "seguro"):
            if getattr(row, name) is None:
                setattr(row, name, Decimal("0"))
        row.documento_control_numero = (row.documento_control_numero or "").strip().upper()
        rows.append(row)
    return rows


# Where the API's serializer leaves the liquidación it computed while checking the amounts
# (``check_amounts``), so that ``build_dai`` does not compute it again.
LIQUIDATED = "_liquidado"


@transaction.atomic(savepoint=False)
def build_dai(edoc, data: dict) -> Dai:
    """Create the DAI, its items and its liquidación from validated data: the items are
    liquidated in memory and written once, already liquidated (3 statements). The serializer's
    liquidación of the same day and rate is reused instead of running the calculator again."""
    from ecuapass.core.db import insert

    dai = Dai(edoc=edoc, **header_values(data))
    filer = _loaded_filer(edoc)
    if filer is not None and filer.ruc == dai.importador_ruc:  # an importer filing for itself
        dai.importador = filer
    else:
        dai.importador = Operator.objects.filter(ruc=dai.importador_ruc).first()
    on = timezone.localdate()
    done = data.get(LIQUIDATED)
    if done is not None and done.on == on and done.rate == dai.tipo_cambio:
        items = [_unsaved(item) for item in done.items]
        liq = _unsaved(done.liq)
        dai.recompute_totals(items)
    else:
        items = item_rows(data["items"])
        liq = Liquidacion()
        liquidate(dai, items, liq, on=on)
    insert([dai], signals=True)  # save(), its statement built once (core.db.insert)
    for item in items:
        item.dai = dai
    insert(items)
    liq.dai = dai
    insert([liq], signals=True)
    return dai


def _loaded_filer(edoc):
    """The filer's operator when the request already holds it (the API's token loads the código
    with its registration and operator), else None: no query to find out."""
    oce = edoc._state.fields_cache.get("filer_oce")
    registration = oce._state.fields_cache.get("registration") if oce is not None else None
    return registration._state.fields_cache.get("operator") if registration is not None else None


def _unsaved(instance):
    """``instance`` itself while it was never saved, else a fresh unsaved copy (a retried
    transaction inserts anew: the first attempt's inserts left their pks on the instances)."""
    if instance.pk is None and instance._state.adding:
        return instance
    return _copy(instance)


def _copy(instance):
    """A fresh unsaved copy of an unsaved model instance (a retried transaction inserts anew)."""
    model = type(instance)
    return model(
        **{
            f.attname: getattr(instance, f.attname)
            for f in model._meta.concrete_fields
            if not f.primary_key
        }
    )


@dataclass
class SavedDraft:
    edoc: object
    dai: Dai
    envio: object = None


@retry_on_conflict
def save_draft(
    *,
    edoc_id: int | None,
    oce,
    user,
    header: dict,
    items: list[dict] | None = None,
    send: bool = False,
    recompute: bool = True,
) -> SavedDraft:
    """The editor's "Guardar temporal", "Cálculo de tributos", "Importar" and "Enviar".

    One transaction whose first statement locks the draft's row: the header, the items
    (the grid's rows replace the saved ones), the liquidación and, for "Enviar", the
    envío's snapshot are one consistent state. A request that finds the document sent
    meanwhile is refused (``AlreadySent``) and writes nothing; a transient conflict
    (deadlock, busy database) runs the whole save again.

    ``items=None`` keeps the draft's items (the editor changes them one at a time, see
    ``save_item``); a list replaces them (the Excel import, the API-shaped grid).
    ``recompute=False`` ("Guardar temporal"): with the same items and rate, a liquidación
    computed today is kept as it is.
    """
    from ecuapass.edocs import registry
    from ecuapass.edocs import services as edocs
    from ecuapass.edocs.states import Channel

    with transaction.atomic():
        if edoc_id is None:
            edoc = edocs.create_draft(registry.get("DAI"), oce=oce, user=user)
            dai = Dai(edoc=edoc)
        else:
            edoc = edocs.lock_draft(edoc_id, oce=oce)
            dai = Dai.objects.filter(edoc=edoc).first() or Dai(edoc=edoc)
        rate_before = dai.tipo_cambio if dai.pk else None
        operator = oce.registration.operator
        for name, value in header.items():
            setattr(dai, name, value)
        dai.declarante_ruc = operator.ruc
        dai.declarante_nombre = operator.legal_name
        dai.importador = Operator.objects.filter(ruc=dai.importador_ruc).first()
        dai.importador_nombre = dai.importador.legal_name if dai.importador else ""
        apply_exchange_rate(dai)
        if items is None and not recompute and rate_before == dai.tipo_cambio:
            # The header alone changed (not the rate): the items' figures stand when the
            # liquidación is current; else it is recomputed.
            if _current(Liquidacion.objects.filter(dai=dai).first(), timezone.localdate()):
                dai.save()
            else:
                _relocalize(dai)
        elif items is None:
            _relocalize(dai)
        else:
            rows = [
                DaiItem(
                    numero=n,
                    **{**item, "subpartida": normalize_subpartida(item["subpartida"])},
                )
                for n, item in enumerate(items, start=1)
            ]
            liq = (Liquidacion.objects.filter(dai=dai).first() if dai.pk else None) or Liquidacion()
            # Computed before anything is written: amounts that do not fit raise AmountOverflow.
            liquidate(dai, rows, liq, on=timezone.localdate())
            dai.save()
            DaiItem.objects.filter(dai=dai).delete()
            for row in rows:
                row.dai = dai
            DaiItem.objects.bulk_create(rows)
            liq.dai = dai
            liq.save()
        edoc.reference = dai.factura_numero[:100]
        edoc.modified_by = user
        edoc.save(update_fields=["reference", "modified_by", "modified_on"])
        if send:  # the snapshot is taken here, under the same lock (submit recomputes)
            envio = edocs.submit(edoc, user=user, oce=oce, channel=Channel.PORTAL)
            return SavedDraft(envio.document, dai, envio)
    return SavedDraft(edoc, dai)


class ItemNotFound(Exception):
    """The item number is not one of the draft's items."""


def _locked(edoc_id: int, oce) -> tuple:
    """Lock the draft (first statement of the transaction) and return it with its DAI."""
    from ecuapass.edocs import services as edocs

    edoc = edocs.lock_draft(edoc_id, oce=oce)
    return edoc, Dai.objects.get(edoc=edoc)


def _touch(edoc, user) -> None:
    edoc.modified_by = user
    edoc.save(update_fields=["modified_by", "modified_on"])


def _relocalize(dai: Dai) -> Liquidacion:
    """Save ``dai`` and recompute its totals and liquidación from its saved items: one
    calculator run over all the items; only the items whose figures changed are written."""
    if dai.pk is None:
        dai.save()
    liq = Liquidacion.objects.filter(dai=dai).first() or Liquidacion(dai=dai)
    items = list(DaiItem.objects.filter(dai=dai).order_by("numero"))
    before = {item.pk: [getattr(item, name) for name in LIQUIDATED_FIELDS] for item in items}
    liquidate(dai, items, liq, on=timezone.localdate())
    dai.save()
    _write_changed(items, before)
    liq.save()
    return liq


@retry_on_conflict
def save_item(*, edoc_id: int, oce, user, values: dict, numero: int | None = None) -> DaiItem:
    """Add an item (``numero=None``, at the end) or replace item ``numero`` of a draft, then
    recompute the totals and the liquidación. ``AmountOverflow`` leaves everything as it was."""
    with transaction.atomic():
        edoc, dai = _locked(edoc_id, oce)
        values = {**values, "subpartida": normalize_subpartida(values["subpartida"])}
        if numero is None:
            count = DaiItem.objects.filter(dai=dai).count()
            if count >= MAX_ITEMS_PER_DAI:
                raise TooManyItems(MAX_ITEMS_PER_DAI)
            item = DaiItem.objects.create(dai=dai, numero=count + 1, **values)
        else:
            item = DaiItem.objects.filter(dai=dai, numero=numero).first()
            if item is None:
                raise ItemNotFound(numero)
            for name, value in values.items():
                setattr(item, name, value)
            item.save(update_fields=list(values))
        if not _relocalize_one(dai, item):
            _relocalize(dai)
        _touch(edoc, user)
        return item


@retry_on_conflict
def delete_item(*, edoc_id: int, oce, user, numero: int) -> None:
    """Remove item ``numero`` of a draft; the following items move up one number."""
    from django.db.models import F

    with transaction.atomic():
        edoc, dai = _locked(edoc_id, oce)
        deleted, _rows = DaiItem.objects.filter(dai=dai, numero=numero).delete()
        if not deleted:
            raise ItemNotFound(numero)
        # Two steps keep (dai, numero) unique at every row update, on any database.
        after = DaiItem.objects.filter(dai=dai, numero__gt=numero)
        after.update(numero=F("numero") + RENUMBER_OFFSET)
        DaiItem.objects.filter(dai=dai, numero__gt=RENUMBER_OFFSET).update(
            numero=F("numero") - RENUMBER_OFFSET - 1
        )
        _relocalize(dai)
        _touch(edoc, user)


MAX_ITEMS_PER_DAI = 999
RENUMBER_OFFSET = 100_000


class TooManyItems(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def item_problems(dai: Dai) -> list[tuple[int | None, str, str]]:
    """What the complete validation finds in a draft's saved items, beyond types and formats:
    ``(item number or None, field, Spanish message)``. Run at "Cálculo de tributos" and
    "Enviar" (never at "Guardar temporal"): one query per check, whatever the item count."""
    from django.db.models import F

    problems: list[tuple[int | None, str, str]] = []
    if dai.pk is None or not DaiItem.objects.filter(dai=dai).exists():
        return [(None, "items", _("Agregue al menos un ítem."))]
    for numero in (
        DaiItem.objects.filter(dai=dai, peso_neto__gt=F("peso_bruto"))
        .order_by("numero")
        .values_list("numero", flat=True)
    ):
        problems.append((numero, "peso_neto", _("El peso neto es mayor que el peso bruto.")))
    return problems


# --- exchange rates ------------------------------------------------------------------
def published_rate(moneda: str, on: date | None):
    """The rate the Banco Central published for ``moneda`` on ``on`` or the last day before
    it (``TipoCambio``), or None."""
    from .models import TipoCambio

    if not moneda or on is None:
        return None
    return TipoCambio.objects.filter(moneda=moneda, fecha__lte=on).order_by("-fecha").first()


def apply_exchange_rate(dai: Dai) -> None:
    """USD is 1; without a reason for a manual rate, the published rate of the invoice's
    currency and date (when there is one) replaces what was typed."""
    if dai.moneda in ("", "USD"):
        dai.tipo_cambio = Decimal("1")
        dai.tipo_cambio_motivo = ""
        return
    if dai.tipo_cambio_motivo:
        return
    published = published_rate(dai.moneda, dai.factura_fecha or timezone.localdate())
    if published is not None:
        dai.tipo_cambio = published.tasa


def _s(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def payload_of(dai: Dai) -> dict:
    """The DAI as the JSON e-doc the API accepts (docs/examples/dai.json)."""
    payload = {
        "tipo_documento": "DAI",
        "distrito": dai.distrito,
        "regimen": dai.regimen,
        "tipo_despacho": dai.tipo_despacho,
        "declarante": {
            "ruc": dai.declarante_ruc,
            "nombre": dai.declarante_nombre,
            "codigo_oce": dai.edoc.filer_oce.code,
        },
        "importador": {"ruc": dai.importador_ruc, "nombre": dai.importador_nombre},
        "documento_transporte": {"mrn": dai.mrn, "msn": dai.msn, "hsn": dai.hsn},
        "pais_origen": dai.pais_origen,
        "pais_procedencia": dai.pais_procedencia,
        "pais_embarque": dai.pais_embarque,
        "puerto_embarque": dai.puerto_embarque,
        "fecha_embarque": _s(dai.fecha_embarque),
        "fecha_llegada": _s(dai.fecha_llegada),
        "incoterm": dai.incoterm,
        "moneda": dai.moneda,
        "tipo_cambio": _s(dai.tipo_cambio.normalize() if dai.tipo_cambio else Decimal("1")),
        "forma_pago": dai.forma_pago,
        "factura": {"numero": dai.factura_numero, "fecha": _s(dai.factura_fecha)},
        "items": [
            {
                **{name: _s(getattr(item, name)) for name in ITEM_FIELDS},
                "subpartida": dotted_subpartida(item.subpartida),
            }
            for item in dai.items.all()
        ],
    }
    return payload


# --- liquidación ----------------------------------------------------------------
TOTAL_FIELDS = [
    "total_fob",
    "total_flete",
    "total_seguro",
    "total_cif",
    "total_peso_neto",
    "total_peso_bruto",
]


class AmountOverflow(Exception):
    """Amounts of a DAI that its columns cannot hold: bad input, reported before any write.

    ``errors``: ``(item index or None for the declaration's totals, Spanish message)``.
    """

    def __init__(self, errors: list[tuple[int | None, str]]):
        super().__init__(" ".join(message for _index, message in errors))
        self.errors = errors

    def as_fields(self) -> dict:
        """DRF-style: ``{"items": {"0": {"fob": [msg]}}, "non_field_errors": [msg]}``."""
        fields: dict = {}
        for index, message in self.errors:
            if index is None:
                fields.setdefault("non_field_errors", []).append(message)
            else:
                item = fields.setdefault("items", {}).setdefault(str(index), {})
                item.setdefault("fob", []).append(message)
        return fields


@functools.cache
def _bounds(model, name: str) -> tuple:
    """A decimal column's field, its step (one unit of its last place) and the largest value
    it holds (its max_digits), once per process."""
    field = model._meta.get_field(name)
    step = Decimal(1).scaleb(-field.decimal_places)
    return field, step, Decimal(10) ** (field.max_digits - field.decimal_places) - step


def _too_large(instance, names) -> str | None:
    """The first of ``names`` whose value the column cannot hold (its max_digits), as a
    Spanish phrase; None when they all fit."""
    from django.utils.formats import number_format

    model = type(instance)
    for name in names:
        value = getattr(instance, name)
        if value is None:
            continue
        field, step, largest = _bounds(model, name)
        if abs(value.quantize(step, rounding=ROUND_HALF_UP)) > largest:
            return _("%(campo)s %(valor)s excede el máximo admitido (%(max)s)") % {
                "campo": field.verbose_name,
                "valor": number_format(value, field.decimal_places, force_grouping=True),
                "max": number_format(largest, field.decimal_places, force_grouping=True),
            }
    return None


def liquidate(dai: Dai, items: list[DaiItem], liq: Liquidacion, *, on: date) -> None:
    """Totals and tributes of a DAI into its instances (nothing is written).

    Raises ``AmountOverflow`` when a total, an item's liquidación or a total of the
    liquidación does not fit its column (the model's max_digits, the one bound).
    """
    from ecuapass.tariff.services.calculator import TariffError, calculate

    dai.recompute_totals(items)
    problem = _too_large(dai, TOTAL_FIELDS)
    if problem:
        raise AmountOverflow([(None, _("Declaración: %(p)s.") % {"p": problem})])
    rate = dai.tipo_cambio or Decimal("1")
    liq.fecha = on
    liq.computed_on = timezone.now()
    liq.error = ""
    for item in items:
        for name in RESULT_FIELDS:
            setattr(item, name, Decimal("0"))
        item.fundamentos = []
        # Until the calculator says otherwise, the insurance is the declared one.
        item.seguro_aplicado = cents((item.seguro or ZERO) * rate)
        item.seguro_presuntivo = False
    try:
        if not items:
            raise TariffError("", field="items")
        calc = calculate(on, calculator_inputs(items, rate))
    except TariffError as exc:
        liq.error = f"Ítem {exc.index + 1}: {exc.message}" if exc.index is not None else exc.message
        liq.detalle = (
            {"error": {"item": exc.index + 1, "campo": exc.field or ""}}
            if exc.index is not None
            else {}
        )
        liq.muestra = False
        for name in _total_names():
            setattr(liq, name, Decimal("0"))
        return
    errors = []
    for index, (item, result) in enumerate(zip(items, calc.items, strict=True)):
        problem = _apply_result(item, result)
        if problem:
            errors.append((index, _("Ítem %(n)d: %(p)s.") % {"n": index + 1, "p": problem}))
    dai.recompute_totals(items)
    _apply_totals(liq, calc.totales)
    liq.detalle = calc.as_dict()
    liq.muestra = calc.muestra
    problem = _too_large(liq, _total_names())
    if problem:
        errors.append((None, _("Liquidación: %(p)s.") % {"p": problem}))
    if errors:
        raise AmountOverflow(errors)


def _apply_result(item: DaiItem, result) -> str | None:
    """The calculator's result for one item onto the item; the amount that does not fit, if any."""
    for name in RESULT_FIELDS:
        setattr(item, name, getattr(result, name))
    item.fundamentos = result.fundamentos
    # The one place the presumptive insurance lands: the calculator applied it (its
    # dated rule) and the item, the header's totals and the prints read it from here.
    item.seguro_aplicado = result.seguro
    item.seguro_presuntivo = any(f.get("tributo") == "seguro" for f in result.fundamentos)
    return _too_large(item, RESULT_FIELDS)


def _apply_totals(liq: Liquidacion, t: dict) -> None:
    liq.total_cif = t["cif"]
    liq.total_ad_valorem = t["ad_valorem"]
    liq.total_especifico = t["especifico"]
    liq.total_salvaguardia = t.get("salvaguardia", Decimal("0"))
    liq.total_fodinfa = t["fodinfa"]
    liq.total_ice = t["ice"]
    liq.total_iva = t["iva"]
    liq.total_tributos = t["total_tributos"]


def _current(liq: Liquidacion | None, on: date) -> bool:
    """A draft's liquidación computed today without error: its stored detail is what the
    calculator would give for the unchanged items."""
    return bool(liq and liq.pk and not liq.frozen and not liq.error and liq.fecha == on)


def _relocalize_one(dai: Dai, item: DaiItem) -> bool:
    """Recompute after one item was saved (changed, or added at the end) without running the
    calculator over the others: only ``item`` goes through it; the liquidación's totals are the
    sums of the items' rounded results (the calculator's own rule) from its stored detail, the
    header's totals the sums of the items' amounts. False when the liquidación is not current
    (then ``_relocalize`` recomputes everything)."""
    from ecuapass.tariff.services.calculator import AMOUNT_KEYS, TariffError, calculate

    on = timezone.localdate()
    liq = Liquidacion.objects.filter(dai=dai).first()
    rows = (liq.detalle or {}).get("items") if _current(liq, on) else None
    count = DaiItem.objects.filter(dai=dai).count()
    if rows is None or not (
        item.numero <= len(rows) == count or item.numero == len(rows) + 1 == count
    ):
        return False
    try:
        result = calculate(on, calculator_inputs([item], dai.tipo_cambio or Decimal("1"))).items[0]
    except TariffError:
        return False  # the whole recomputation records the error with its item number
    problem = _apply_result(item, result)
    if problem:
        raise AmountOverflow([(None, _("Ítem %(n)d: %(p)s.") % {"n": item.numero, "p": problem})])
    row = result.as_dict()
    if item.numero > len(rows):
        rows.append(row)
    else:
        rows[item.numero - 1] = row
    totales = {key: sum((Decimal(r[key]) for r in rows), ZERO) for key in AMOUNT_KEYS}
    _apply_totals(liq, totales)
    liq.muestra = any(r.get("muestra") for r in rows)
    liq.detalle = {
        **liq.detalle,
        "items": rows,
        "totales": {key: f"{value:.2f}" for key, value in totales.items()},
        "muestra": liq.muestra,
    }
    liq.computed_on = timezone.now()
    others = list(
        DaiItem.objects.filter(dai=dai)
        .exclude(pk=item.pk)
        .only(
            "fob",
            "flete",
            "seguro",
            "seguro_aplicado",
            "seguro_presuntivo",
            "peso_neto",
            "peso_bruto",
        )
    )
    dai.recompute_totals([*others, item])
    problem = _too_large(dai, TOTAL_FIELDS) or _too_large(liq, _total_names())
    if problem:
        raise AmountOverflow([(None, problem)])
    item.save(update_fields=LIQUIDATED_FIELDS)
    dai.save()
    liq.save()
    return True


@dataclass
class Liquidated:
    """A liquidación computed in memory from payload data (``check_amounts``)."""

    on: date
    rate: Decimal
    items: list[DaiItem]
    liq: Liquidacion


def check_amounts(data: dict, *, on: date) -> Liquidated:
    """``liquidate`` over validated payload data (the API's serializer), without saving; the
    liquidated rows are returned (``build_dai`` writes them as they are)."""
    rate = data.get("tipo_cambio") or Decimal("1")
    dai = Dai(tipo_cambio=rate)
    items = item_rows(data.get("items") or [])
    liq = Liquidacion()
    liquidate(dai, items, liq, on=on)
    return Liquidated(on=on, rate=rate, items=items, liq=liq)


def calculator_inputs(items, rate: Decimal) -> list:
    """The tariff calculator's inputs for DAI items (values in USD at ``rate``): one rule for
    the editor's liquidación and the despacho's re-liquidation."""
    from ecuapass.tariff.services.calculator import ItemInput

    return [
        ItemInput(
            subpartida=item.subpartida,
            fob=cents(item.fob * rate),
            flete=cents(item.flete * rate),
            seguro=cents(item.seguro * rate) if item.seguro else None,
            cantidad=item.cantidad_fisica or Decimal("1"),
        )
        for item in items
    ]


def recompute(dai: Dai, *, on: date) -> Liquidacion:
    """Recompute totals and tributes of a draft (never of a frozen liquidación).

    Raises ``AmountOverflow`` before writing anything that does not fit (call it inside
    the caller's transaction: the liquidación row it may have created rolls back).
    """
    liq, _created = Liquidacion.objects.get_or_create(dai=dai)
    if liq.frozen:
        return liq
    items = list(dai.items.order_by("numero"))
    before = {item.pk: [getattr(item, name) for name in LIQUIDATED_FIELDS] for item in items}
    liquidate(dai, items, liq, on=on)
    dai.save()
    _write_changed(items, before)
    liq.save()
    return liq


def _write_changed(items: list[DaiItem], before: dict) -> None:
    """Write the liquidated figures of the items whose figures changed (a recomputation of an
    unchanged draft writes none of its items)."""
    changed = [i for i in items if [getattr(i, n) for n in LIQUIDATED_FIELDS] != before[i.pk]]
    if changed:
        DaiItem.objects.bulk_update(changed, LIQUIDATED_FIELDS, batch_size=200)


def _total_names():
    return [
        "total_cif",
        "total_ad_valorem",
        "total_especifico",
        "total_salvaguardia",
        "total_fodinfa",
        "total_ice",
        "total_iva",
        "total_tributos",
    ]


def dai_number_key(distrito: str, year: int, regimen: str) -> str:
    return f"customs.dai:{distrito}:{year}:{regimen}"


def assign_number(dai: Dai, *, on: date) -> str:
    """``distrito-año-régimen-secuencial``; call inside the acceptance transaction."""
    seq = next_value(dai_number_key(dai.distrito, on.year, dai.regimen))
    return f"{dai.distrito}-{on.year:04d}-{dai.regimen}-{seq:08d}"


def freeze(dai: Dai) -> None:
    """Freeze the DAI's liquidación (``frozen_on``) at its acceptance: nothing recomputes it.

    In a worker's batch, a liquidación the batch read with its DAI (``batch_prefetch``) is
    frozen in memory at once and in the database with the batch's others, in one UPDATE at the
    batch's end (``edocs.batch.at_end``) — only if its document is kept (``after_document``;
    called directly under the document's savepoint, never a nested one that may roll back)."""
    from ecuapass.edocs import batch

    now = timezone.now()
    liq = dai._state.fields_cache.get("liquidacion")
    if liq is not None and liq.frozen_on is None and batch.document_level():
        batch.after_document(functools.partial(_frozen_at_end, liq.pk, now))
        liq.frozen_on = now
        return
    Liquidacion.objects.filter(dai=dai, frozen_on__isnull=True).update(frozen_on=now)
    # The liquidación the worker's batch read with the DAI says so too.
    if liq is not None and liq.frozen_on is None:
        liq.frozen_on = now


def _frozen_at_end(pk: int, at) -> None:
    from ecuapass.edocs import batch

    frozen = batch.memo("customs.frozen", dict)
    if not frozen:
        batch.at_end(functools.partial(_write_frozen, frozen))
    frozen[pk] = at


def _write_frozen(frozen: dict) -> None:
    """The batch's frozen liquidaciones, each with its own instant, in one UPDATE."""
    from django.db.models import Case, DateTimeField, Value, When

    Liquidacion.objects.filter(pk__in=list(frozen), frozen_on__isnull=True).update(
        frozen_on=Case(
            *(When(pk=pk, then=Value(at)) for pk, at in frozen.items()),
            output_field=DateTimeField(),
        )
    )

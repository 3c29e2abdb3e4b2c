"""Every step of the export trámite, each in one transaction, shared by portal, API and demo.

* DAE: ``build_dae`` (API), ``save_draft`` (the 1.1 editor), ``payload_of``, ``assign_number``.
* ``registrar_ingreso`` — the depósito's Informe de Ingreso: novedades against the DAE, then the
  canal by the motor de riesgo and the aforo (``ecuapass.despacho``); perishables get a shorter
  maximum time to aforo.
* ``registrar_salida`` — the depósito's Informe de Salida (the DAE must be Salida autorizada).
* Manifest: ``build_manifiesto``, ``embarcar`` (its acceptance embarks the DAEs it carries).
* ``regularizar`` — only the exporter, within the term after embarque; then nothing changes.
* ``avisar_regularizaciones`` — the scheduled notices before and after the deadline.

Errors are ``ExportError`` (Spanish, naming the field); nothing is saved half-way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecuapass.accounts.models import Operator
from ecuapass.core.db import retry_on_conflict
from ecuapass.core.formatting import money
from ecuapass.core.numbering import next_value
from ecuapass.customs.services import (
    ITEM_FIELDS,
    AmountOverflow,
    _too_large,
    dotted_subpartida,
    normalize_subpartida,
)
from ecuapass.edocs import lifecycle
from ecuapass.edocs.lifecycle import FILER, PARTY, Notice, TransitionNotAllowed

from . import conf
from . import states as S
from .models import (
    Dae,
    DaeItem,
    DocumentoEmbarque,
    IngresoExportacion,
    ManifiestoExportacion,
    Regularizacion,
    SalidaExportacion,
)

logger = logging.getLogger(__name__)

# The DAE's item: the DAI's declared fields but freight and insurance (an export is FOB) and the
# control document, which the DAE names with its type (``documento_control_tipo`` / ``_numero``).
DAE_ITEM_FIELDS = [
    name for name in ITEM_FIELDS if name not in ("flete", "seguro", "documento_control_numero")
]
TOTAL_FIELDS = ["total_fob", "total_peso_neto", "total_peso_bruto"]

__all__ = ["AmountOverflow", "ExportError"]


class ExportError(Exception):
    """A refusal shown to the user (Spanish), with the field it concerns."""

    def __init__(self, message, field: str = ""):
        super().__init__(str(message))
        self.field = field


def _s(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- the DAE: payload ⇄ model --------------------------------------------------------------
def header_values(data: dict) -> dict:
    factura = data.get("factura") or {}
    return {
        "distrito": data["distrito"],
        "regimen": data["regimen"],
        "declarante_ruc": data["declarante"]["ruc"],
        "declarante_nombre": data["declarante"]["nombre"],
        "exportador_ruc": data["exportador"]["ruc"],
        "exportador_nombre": data["exportador"]["nombre"],
        "pais_destino": data["pais_destino"],
        "puerto_embarque": data["puerto_embarque"],
        "via_transporte": data["via_transporte"],
        "deposito_codigo": data["deposito"],
        "fecha_embarque_estimada": data["fecha_embarque_estimada"],
        "factura_numero": factura.get("numero", ""),
        "factura_fecha": factura.get("fecha"),
        "incoterm": data["incoterm"],
        "moneda": data["moneda"],
        "tipo_cambio": data.get("tipo_cambio") or Decimal("1"),
        "bultos": data["bultos"],
        "totales_declarados": (
            {k: str(v) for k, v in data["totales"].items() if v is not None}
            if data.get("totales")
            else None
        ),
    }


def item_rows(items: list[dict], dae=None) -> list[DaeItem]:
    rows = []
    for n, item in enumerate(items, start=1):
        rows.append(
            DaeItem(
                dae=dae,
                numero=n,
                subpartida=normalize_subpartida(item["subpartida"]),
                **{
                    name: item.get(name)
                    for name in DAE_ITEM_FIELDS
                    if name not in ("subpartida", "pais_origen")
                },
                pais_origen=item.get("pais_origen") or "EC",
                documento_control_tipo=item.get("documento_control_tipo") or "",
                documento_control_numero=item.get("documento_control_numero") or "",
            )
        )
    return rows


def check_amounts(data: dict) -> None:
    """The totals the items make must fit their columns (AmountOverflow otherwise)."""
    dae = Dae(tipo_cambio=data.get("tipo_cambio") or Decimal("1"))
    dae.recompute_totals(item_rows(data.get("items") or []))
    problem = _too_large(dae, TOTAL_FIELDS)
    if problem:
        raise AmountOverflow([(None, _("Declaración: %(p)s.") % {"p": problem})])


@transaction.atomic
def build_dae(edoc, data: dict) -> Dae:
    dae = Dae(edoc=edoc, **header_values(data))
    dae.exportador = Operator.objects.filter(ruc=dae.exportador_ruc).first()
    rows = item_rows(data["items"])
    dae.recompute_totals(rows)
    dae.save()
    for row in rows:
        row.dae = dae
    DaeItem.objects.bulk_create(rows)
    return dae


def payload_of(dae: Dae) -> dict:
    """The DAE as the JSON e-doc the API accepts (docs/examples/dae.json)."""
    return {
        "tipo_documento": "DAE",
        "distrito": dae.distrito,
        "regimen": dae.regimen,
        "declarante": {
            "ruc": dae.declarante_ruc,
            "nombre": dae.declarante_nombre,
            "codigo_oce": dae.edoc.filer_oce.code,
        },
        "exportador": {"ruc": dae.exportador_ruc, "nombre": dae.exportador_nombre},
        "pais_destino": dae.pais_destino,
        "puerto_embarque": dae.puerto_embarque,
        "via_transporte": dae.via_transporte,
        "deposito": dae.deposito_codigo,
        "fecha_embarque_estimada": _s(dae.fecha_embarque_estimada),
        "factura": {"numero": dae.factura_numero, "fecha": _s(dae.factura_fecha)},
        "incoterm": dae.incoterm,
        "moneda": dae.moneda,
        "tipo_cambio": _s(dae.tipo_cambio.normalize() if dae.tipo_cambio else Decimal("1")),
        "bultos": dae.bultos,
        "items": [
            {
                **{name: _s(getattr(item, name)) for name in DAE_ITEM_FIELDS},
                "subpartida": dotted_subpartida(item.subpartida),
                "documento_control_tipo": item.documento_control_tipo,
                "documento_control_numero": item.documento_control_numero,
            }
            for item in dae.items.order_by("numero")
        ],
    }


@dataclass
class SavedDraft:
    edoc: object
    dae: Dae
    envio: object = None


@retry_on_conflict
def save_draft(
    *, edoc_id: int | None, oce, user, header: dict, items: list[dict], send: bool = False
) -> SavedDraft:
    """The DAE editor's "Guardar temporal", "Importar" and "Enviar" (the DAI editor's rules:
    one transaction whose first statement locks the draft; a sent document is refused)."""
    from ecuapass.edocs import registry
    from ecuapass.edocs import services as edocs
    from ecuapass.edocs.states import Channel

    with transaction.atomic():
        if edoc_id is None:
            edoc = edocs.create_draft(registry.get("DAE"), oce=oce, user=user)
            dae = Dae(edoc=edoc)
        else:
            edoc = edocs.lock_draft(edoc_id, oce=oce)
            dae = Dae.objects.filter(edoc=edoc).first() or Dae(edoc=edoc)
        operator = oce.registration.operator
        for name, value in header.items():
            setattr(dae, name, value)
        dae.declarante_ruc = operator.ruc
        dae.declarante_nombre = operator.legal_name
        dae.exportador = Operator.objects.filter(ruc=dae.exportador_ruc).first()
        dae.exportador_nombre = dae.exportador.legal_name if dae.exportador else ""
        rows = item_rows(items)
        dae.recompute_totals(rows)
        problem = _too_large(dae, TOTAL_FIELDS)
        if problem:
            raise AmountOverflow([(None, _("Declaración: %(p)s.") % {"p": problem})])
        dae.save()
        DaeItem.objects.filter(dae=dae).delete()
        for row in rows:
            row.dae = dae
        DaeItem.objects.bulk_create(rows)
        edoc.reference = dae.factura_numero[:100]
        edoc.modified_by = user
        edoc.save(update_fields=["reference", "modified_by", "modified_on"])
        if send:
            envio = edocs.submit(edoc, user=user, oce=oce, channel=Channel.PORTAL)
            return SavedDraft(envio.document, dae, envio)
    return SavedDraft(edoc, dae)


def dae_number_key(distrito: str, year: int, regimen: str) -> str:
    return f"exportacion.dae:{distrito}:{year}:{regimen}"


def assign_number(dae: Dae, *, on: date) -> str:
    """``distrito-año-régimen-secuencial`` (régimen 40: ``028-2026-40-00000001``)."""
    seq = next_value(dae_number_key(dae.distrito, on.year, dae.regimen))
    return f"{dae.distrito}-{on.year:04d}-{dae.regimen}-{seq:08d}"


# --- ingreso a zona primaria ----------------------------------------------------------------------
NOVEDAD_NOTICE = Notice(
    subject=gettext_lazy("NOVEDADES EN EL INGRESO A ZONA PRIMARIA - %(numero)s"),
    body=gettext_lazy(
        "El depósito registró el ingreso de la mercancía de la DAE %(numero)s con novedades: "
        "%(nota)s"
    ),
)


def _locked_dae(edoc) -> Dae:
    return Dae.objects.select_for_update(of=("self",)).select_related("edoc").get(edoc=edoc)


def _require_deposito(dae: Dae, oce) -> None:
    if oce is None or oce.code != dae.deposito_codigo:
        raise ExportError(
            _("La DAE %(n)s no nombra a su depósito (%(c)s): no puede registrar su mercancía.")
            % {"n": dae.edoc.document_number, "c": getattr(oce, "code", "")},
            field="dae",
        )


def novedades_de(dae: Dae, *, bultos: int, peso_bruto: Decimal) -> list[str]:
    """Differences of what arrived against the DAE: packages, and weight beyond the tolerance."""
    found = []
    if bultos != dae.bultos:
        found.append(
            _("Bultos: declarados %(d)s, ingresados %(i)s.") % {"d": dae.bultos, "i": bultos}
        )
    declared = dae.total_peso_bruto or Decimal("0")
    tolerance = conf.tolerancia_peso_pct()
    if declared > 0:
        pct = abs(peso_bruto - declared) * Decimal("100") / declared
        if pct > tolerance:
            found.append(
                _(
                    "Peso bruto: declarado %(d)s kg, ingresado %(i)s kg (diferencia %(p)s %%, "
                    "tolerancia %(t)s %%)."
                )
                % {
                    "d": declared,
                    "i": peso_bruto,
                    "p": pct.quantize(Decimal("0.01")),
                    "t": tolerance,
                }
            )
    return found


def _informe_values(data: dict) -> dict:
    return {
        "bultos": data["bultos"],
        "peso_bruto": data["peso_bruto"],
        "contenedores": (data.get("contenedores") or "").strip()[:4000],
        "fecha_hora": data["fecha_hora"],
        "observacion": (data.get("observacion") or "").strip()[:4000],
    }


def _check_fecha_hora(value) -> None:
    if value is None or value > timezone.now() + timedelta(minutes=5):
        raise ExportError(_("La fecha y hora no puede ser futura."), field="fecha_hora")


def registrar_ingreso(edoc, data: dict, *, user, oce, ip=None, channel: str = "P"):
    """The Informe de Ingreso de Exportación, then the canal de aforo (motor de riesgo)."""
    _check_fecha_hora(data.get("fecha_hora"))
    with transaction.atomic():
        dae = _locked_dae(edoc)
        _require_deposito(dae, oce)
        if IngresoExportacion.objects.filter(dae=dae).exists():
            raise ExportError(_("El ingreso de esta DAE ya fue registrado."), field="dae")
        values = _informe_values(data)
        novedades = novedades_de(dae, bultos=values["bultos"], peso_bruto=values["peso_bruto"])
        note = _("Informe de ingreso: %(b)s bultos, %(p)s kg.") % {
            "b": values["bultos"],
            "p": values["peso_bruto"],
        }
        ingreso = {}

        def record(_locked):
            ingreso["row"] = IngresoExportacion.objects.create(
                dae=dae,
                deposito=oce,
                registrado_por=user,
                novedades=novedades,
                channel=channel,
                **values,
            )

        try:
            edoc = lifecycle.fire(
                edoc, "registrar_ingreso", user=user, oce=oce, ip=ip, note=note, before=record
            )
        except TransitionNotAllowed as exc:
            raise ExportError(str(exc), field="dae") from None
        if novedades:
            text = " ".join(novedades)
            lifecycle.send_notice(edoc, NOVEDAD_NOTICE, note=text)
            _notify_code(
                oce.code,
                _("NOVEDADES REGISTRADAS - %(n)s") % {"n": edoc.document_number},
                _("Se registraron novedades en el ingreso de la DAE %(n)s: %(t)s")
                % {"n": edoc.document_number, "t": text},
                edoc,
            )
        _open_aforo(edoc, dae)
    return ingreso["row"]


def _open_aforo(edoc, dae: Dae) -> None:
    """Canal by the motor de riesgo and the aforo of the despacho; perishables first."""
    from ecuapass.despacho.services import open_despacho

    case = open_despacho(edoc, canal=_decided_canal())
    if case is None or not is_perecedero(dae):
        return
    limit = case.opened_on + timedelta(hours=conf.perecederos_horas())
    if limit < case.due_on:
        case.due_on = limit
        case.save(update_fields=["due_on"])


def _decided_canal():
    from ecuapass.despacho.services import _DECIDED_CANAL

    return _DECIDED_CANAL.get()


def is_perecedero(dae: Dae) -> bool:
    prefixes = conf.perecederos()
    return any(item.subpartida.startswith(prefixes) for item in dae.items.all())


def _notify_code(code: str, subject: str, body: str, edoc) -> None:
    """A notice to the buzón of the código de OCE ``code`` (the depósito), if it exists."""
    from ecuapass.accounts.models import OceCode
    from ecuapass.edocs.notices import CATEGORY, SENDER
    from ecuapass.notifications.services import notify

    oce = OceCode.objects.filter(code=code).first()
    if oce is None:
        return
    notify(oce_code=oce, subject=subject, body=body, sender=SENDER, category=CATEGORY, related=edoc)


def notify_deposito_salida(edoc) -> None:
    """Effect of the salida autorizada: the depósito named in the DAE is told."""
    dae = edoc.dae
    _notify_code(
        dae.deposito_codigo,
        _("SALIDA AUTORIZADA - %(n)s") % {"n": edoc.document_number},
        _(
            "La mercancía de la DAE %(n)s (exportador %(e)s) tiene salida autorizada: registre el "
            "Informe de Salida cuando salga hacia la nave o aeronave."
        )
        % {"n": edoc.document_number, "e": dae.exportador_nombre},
        edoc,
    )


def registrar_salida(edoc, data: dict, *, user, oce, ip=None, channel: str = "P"):
    _check_fecha_hora(data.get("fecha_hora"))
    with transaction.atomic():
        dae = _locked_dae(edoc)
        _require_deposito(dae, oce)
        if SalidaExportacion.objects.filter(dae=dae).exists():
            raise ExportError(_("La salida de esta DAE ya fue registrada."), field="dae")
        values = _informe_values(data)
        salida = {}

        def record(_locked):
            salida["row"] = SalidaExportacion.objects.create(
                dae=dae, deposito=oce, registrado_por=user, channel=channel, **values
            )

        note = _("Informe de salida: %(b)s bultos, %(p)s kg.") % {
            "b": values["bultos"],
            "p": values["peso_bruto"],
        }
        try:
            lifecycle.fire(
                edoc, "registrar_salida", user=user, oce=oce, ip=ip, note=note, before=record
            )
        except TransitionNotAllowed as exc:
            raise ExportError(str(exc), field="dae") from None
    return salida["row"]


def pendientes_del_deposito(oce):
    """The DAEs naming this depósito (an index on ``deposito_codigo``), newest first."""
    from ecuapass.edocs.models import EDocument

    return (
        EDocument.objects.filter(doc_type="DAE", dae__deposito_codigo=oce.code)
        .exclude(estado_documento__in=["borrador", "registrado", "rechazado"])
        .select_related("dae", "dae__ingreso", "dae__salida")
        .order_by("-accepted_on", "-id")
    )


def dae_for_deposito(oce, pk: int):
    return pendientes_del_deposito(oce).filter(pk=pk).first()


# --- the manifest and the embarque ----------------------------------------------------------
@transaction.atomic
def build_manifiesto(edoc, data: dict) -> ManifiestoExportacion:
    manifiesto = ManifiestoExportacion.objects.create(
        edoc=edoc,
        distrito=data["distrito"],
        via_transporte=data["via_transporte"],
        transportista_ruc=data["transportista"]["ruc"],
        transportista_nombre=data["transportista"]["nombre"],
        nave_vuelo=data["nave_vuelo"],
        viaje=data.get("viaje", ""),
        puerto_embarque=data["puerto_embarque"],
        fecha_salida=data["fecha_salida"],
    )
    numbers = {row["dae"].strip() for row in data["items"]}
    daes = {
        d.edoc.document_number: d
        for d in Dae.objects.filter(edoc__document_number__in=numbers).select_related("edoc")
    }
    DocumentoEmbarque.objects.bulk_create(
        DocumentoEmbarque(
            manifiesto=manifiesto,
            numero=n,
            tipo=row["tipo"],
            documento=row["documento"],
            dae_numero=row["dae"].strip(),
            dae=daes.get(row["dae"].strip()),
            bultos=row["bultos"],
            peso_bruto=row["peso_bruto"],
        )
        for n, row in enumerate(data["items"], start=1)
    )
    return manifiesto


def manifiesto_payload_of(manifiesto: ManifiestoExportacion) -> dict:
    return {
        "tipo_documento": "MEX",
        "distrito": manifiesto.distrito,
        "via_transporte": manifiesto.via_transporte,
        "declarante": {
            "ruc": manifiesto.edoc.filer_oce.registration.operator.ruc,
            "nombre": manifiesto.edoc.filer_oce.registration.operator.legal_name,
            "codigo_oce": manifiesto.edoc.filer_oce.code,
        },
        "transportista": {
            "ruc": manifiesto.transportista_ruc,
            "nombre": manifiesto.transportista_nombre,
        },
        "nave_vuelo": manifiesto.nave_vuelo,
        "viaje": manifiesto.viaje,
        "puerto_embarque": manifiesto.puerto_embarque,
        "fecha_salida": manifiesto.fecha_salida.isoformat(),
        "items": [
            {
                "tipo": d.tipo,
                "documento": d.documento,
                "dae": d.dae_numero,
                "bultos": d.bultos,
                "peso_bruto": str(d.peso_bruto),
            }
            for d in manifiesto.documentos.order_by("numero")
        ],
    }


def manifiesto_number(manifiesto: ManifiestoExportacion, *, on: date) -> str:
    seq = next_value(f"exportacion.manifiesto:{manifiesto.distrito}:{on.year}")
    return f"{manifiesto.distrito}-{on.year:04d}-MEX-{seq:08d}"


def is_late(manifiesto: ManifiestoExportacion, sent_on) -> bool:
    return sent_on > manifiesto.fecha_salida + timedelta(hours=conf.plazo_manifiesto_horas())


def embarcar(edoc) -> None:
    """The manifest was accepted: every DAE it carries is Embarcada (its transport document, the
    departure and the regularización's deadline recorded), in the same transaction."""
    manifiesto = edoc.manifiesto_exportacion
    deadline_days = conf.plazo_regularizacion_dias()
    for doc in manifiesto.documentos.select_related("dae__edoc").order_by("numero"):
        dae = doc.dae
        if dae is None or dae.edoc.estado_documento != S.SALIDA_AUTORIZADA:
            continue  # a second document of the same DAE: already embarked by the first

        def record(_locked, dae=dae, doc=doc):
            dae.fecha_embarque = manifiesto.fecha_salida
            dae.documento_transporte = doc.documento
            dae.regularizar_hasta = timezone.localdate(manifiesto.fecha_salida) + timedelta(
                days=deadline_days
            )
            dae.save(update_fields=["fecha_embarque", "documento_transporte", "regularizar_hasta"])

        lifecycle.fire(
            dae.edoc,
            "embarcar",
            process=S.MANIFIESTO,
            note=_("Manifiesto %(m)s, %(t)s %(d)s.")
            % {"m": edoc.document_number, "t": doc.tipo, "d": doc.documento},
            before=record,
        )


# --- regularización ---------------------------------------------------------------------------
def within_term(dae: Dae, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return dae.regularizar_hasta is not None and on <= dae.regularizar_hasta


def regularizar(edoc, data: dict, *, user, oce, ip=None) -> Regularizacion:
    """Only the exporter (the party, never a broker) regularises, within the term, with a
    transport document the manifest linked to the DAE."""
    with transaction.atomic():
        dae = _locked_dae(edoc)
        documento = (data.get("documento_transporte") or "").strip()
        known = set(dae.embarques.values_list("documento", flat=True))
        if documento not in known:
            raise ExportError(
                _("El documento de transporte %(d)s no está en el manifiesto de esta DAE (%(k)s).")
                % {"d": documento, "k": ", ".join(sorted(known)) or "—"},
                field="documento_transporte",
            )
        if edoc.estado_documento == S.EMBARCADA and not within_term(dae):
            raise ExportError(
                _("El plazo de regularización venció el %(f)s.")
                % {"f": dae.regularizar_hasta.strftime("%d/%m/%Y")},
                field="dae",
            )
        reg = {}

        def record(_locked):
            reg["row"] = Regularizacion.objects.create(
                dae=dae,
                documento_transporte=documento,
                total_fob_final=data["total_fob_final"],
                peso_neto_final=data["peso_neto_final"],
                observacion=(data.get("observacion") or "").strip()[:4000],
                by_user=user,
                by_oce=oce,
            )

        try:
            lifecycle.fire(
                edoc,
                "regularizar",
                user=user,
                oce=oce,
                ip=ip,
                note=_("FOB final USD %(f)s, %(d)s.")
                % {"f": money(data["total_fob_final"]), "d": documento},
                before=record,
            )
        except TransitionNotAllowed as exc:
            raise ExportError(str(exc), field="dae") from None
    return reg["row"]


AVISO_PLAZO = Notice(
    subject=gettext_lazy("REGULARIZACIÓN PENDIENTE - %(numero)s"),
    body=gettext_lazy(
        "La DAE %(numero)s fue embarcada y debe regularizarse hasta el %(plazo)s. %(nota)s"
    ),
    to=(FILER, PARTY),
)
AVISO_VENCIDO = Notice(
    subject=gettext_lazy("PLAZO DE REGULARIZACIÓN VENCIDO - %(numero)s"),
    body=gettext_lazy("El plazo para regularizar la DAE %(numero)s venció el %(plazo)s. %(nota)s"),
    to=(FILER, PARTY),
)


def avisar_regularizaciones(today: date | None = None) -> dict[str, int]:
    """Notices for embarked DAEs whose deadline is near or past; each notice once (idempotent)."""
    today = today or timezone.localdate()
    now = timezone.now()
    sent = {"proximo": 0, "vencido": 0}
    base = Dae.objects.filter(edoc__estado_documento=S.EMBARCADA, regularizar_hasta__isnull=False)
    soon = today + timedelta(days=conf.aviso_regularizacion_dias())
    for kind, qs, notice, flag in (
        (
            "vencido",
            base.filter(regularizar_hasta__lt=today, aviso_vencido_on__isnull=True),
            AVISO_VENCIDO,
            "aviso_vencido_on",
        ),
        (
            "proximo",
            base.filter(
                regularizar_hasta__gte=today,
                regularizar_hasta__lte=soon,
                aviso_plazo_on__isnull=True,
            ),
            AVISO_PLAZO,
            "aviso_plazo_on",
        ),
    ):
        for pk in qs.values_list("pk", flat=True):
            with transaction.atomic():
                dae = (
                    Dae.objects.select_for_update(of=("self",))
                    .select_related("edoc")
                    .filter(pk=pk, **{f"{flag}__isnull": True})
                    .first()
                )
                if dae is None:
                    continue
                setattr(dae, flag, now)
                dae.save(update_fields=[flag])
                lifecycle.send_notice(dae.edoc, notice)
                sent[kind] += 1
    return sent

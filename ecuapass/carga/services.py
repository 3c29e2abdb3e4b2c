"""The cargo's operations, shared by the portal, the API, the engine's hooks and the demo data.

* ``build`` / ``payload_of`` — a MAN, MAN-H or MAN-COR from its payload and back.
* ``on_accepted`` — the MRN of a manifest and its deadline flag; the HSN of houses; a
  correction applied to its document.
* ``registrar_llegada`` — the arrival of the medio de transporte (lifecycle ``registrar_llegada``).
* ``registrar_ingreso`` / ``registrar_novedad`` / ``registrar_salida`` — the depósito temporal.
* ``documento_por_carga`` — MRN + MSN + HSN → the accepted transport document (or None).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core.numbering import next_value
from ecuapass.customs.edoc import DaiState
from ecuapass.edocs import batch
from ecuapass.edocs.states import DocumentState

from .models import (
    MASTER_HSN,
    CorreccionManifiesto,
    Descargo,
    Desconsolidacion,
    DocumentoTransporte,
    EventoCarga,
    Manifiesto,
    PlazoManifiesto,
)
from .serializers import MAN, MAN_COR, MAN_H

# The DAI state in which goods may leave the depósito: the levante (the DAI's lifecycle
# transition ``autorizar_salida``, fired when the aforo is closed and the obligations covered).
SALIDA_AUTORIZADA = DaiState.SALIDA_AUTORIZADA
LATE_CODE = "TRD-01"


class CargaError(Exception):
    """A refusal shown to the user: ``field`` and Spanish ``message``."""

    def __init__(self, message, field: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


# --- lookups ---------------------------------------------------------------------------------
# A worker's batch knows which of its documents' MRNs name no accepted manifest (edocs.batch).
_MANIFESTS = "carga.manifest"


def _normal_mrn(mrn) -> str:
    return (mrn or "").strip().upper()


def _batch_mrns() -> set[str]:
    """The MRNs the batch's documents name (their contents were read with the batch)."""
    return {
        mrn
        for edoc in batch.held()
        if (mrn := _normal_mrn(getattr(getattr(edoc, "_content_cache", None), "mrn", "")))
    }


def _manifests_among(mrns: set[str]) -> set[str]:
    return set(
        Manifiesto.objects.filter(mrn__in=mrns)
        .exclude(edoc__estado_documento=DocumentState.ANULADO)
        .values_list("mrn", flat=True)
    )


def accepted_manifest(mrn: str) -> Manifiesto | None:
    """The accepted (not annulled) manifest numbered ``mrn``. In a worker's batch, an MRN of its
    documents that names none is known from one query for the batch (a manifest accepted in the
    batch since is looked up: ``on_accepted`` says so)."""
    mrn = _normal_mrn(mrn)
    if not mrn or batch.known_absent(_MANIFESTS, mrn, _batch_mrns, _manifests_among):
        return None
    return (
        Manifiesto.objects.select_related("edoc")
        .filter(mrn=mrn)
        .exclude(edoc__estado_documento=DocumentState.ANULADO)
        .first()
    )


def documento_por_carga(
    mrn: str, msn: str, hsn: str = "", *, manifest: Manifiesto | None = None
) -> DocumentoTransporte | None:
    """The accepted master (hsn 0000 or blank) or house named by MRN + MSN + HSN.

    ``manifest``: ``accepted_manifest(mrn)`` when the caller has just read it."""
    manifest = manifest if manifest is not None else accepted_manifest(mrn)
    if manifest is None or not msn:
        return None
    hsn = (hsn or "").strip() or MASTER_HSN
    return (
        DocumentoTransporte.objects.select_related("manifiesto__edoc", "deposito", "madre")
        .filter(manifiesto=manifest, msn=msn.strip(), hsn=hsn)
        .first()
    )


def _four(n: int) -> str:
    return f"{n:04d}"


# --- building from a payload -----------------------------------------------------------------
def _documento_row(data: dict, **extra) -> DocumentoTransporte:
    from ecuapass.accounts.models import OceCode

    consignatario = data["consignatario"]
    deposito = OceCode.objects.filter(code=data["deposito"]).first()
    return DocumentoTransporte(
        numero=data["numero"],
        embarcador=data["embarcador"],
        consignatario_ruc=consignatario.get("ruc", ""),
        consignatario_nombre=consignatario["nombre"],
        deposito=deposito,
        deposito_codigo=data["deposito"],
        bultos=data["bultos"],
        peso=data["peso"],
        volumen=data.get("volumen") or Decimal("0"),
        descripcion=data["descripcion"],
        flete=data["flete"],
        contenedores=[
            {"numero": c["numero"], "sellos": list(c.get("sellos") or [])}
            for c in data.get("contenedores") or []
        ],
        **extra,
    )


def build(edoc, data: dict):
    code = edoc.doc_type
    if code == MAN:
        medio = data["medio_transporte"]
        manifest = Manifiesto.objects.create(
            edoc=edoc,
            modo=data["modo"],
            trayecto=data.get("trayecto") or "largo",
            transportista_codigo=data["transportista_codigo"],
            medio_nombre=medio["nombre"],
            medio_identificacion=medio["identificacion"],
            viaje=medio.get("viaje", ""),
            distrito=data["distrito"],
            puerto_embarque=data["puerto_embarque"],
            puerto_llegada=data["puerto_llegada"],
            fecha_estimada_llegada=data["fecha_estimada_llegada"],
        )
        DocumentoTransporte.objects.bulk_create(
            _documento_row(d, manifiesto=manifest, msn=_four(i), hsn=MASTER_HSN)
            for i, d in enumerate(data["documentos"], start=1)
        )
        return manifest
    if code == MAN_H:
        master = documento_por_carga(data["mrn"], data["msn"])
        content = Desconsolidacion.objects.create(
            edoc=edoc, mrn=data["mrn"].strip().upper(), msn=data["msn"], madre=master
        )
        DocumentoTransporte.objects.bulk_create(
            _documento_row(
                d,
                desconsolidacion=content,
                madre=master,
                manifiesto=master.manifiesto if master else None,
                msn=data["msn"],
                hsn="",
            )
            for d in data["documentos"]
        )
        return content
    if code == MAN_COR:
        documento = documento_por_carga(data["mrn"], data["msn"], data.get("hsn"))
        return CorreccionManifiesto.objects.create(
            edoc=edoc,
            mrn=data["mrn"].strip().upper(),
            msn=data["msn"],
            hsn=data.get("hsn") or MASTER_HSN,
            documento=documento,
            motivo_codigo=data["motivo_codigo"],
            motivo=data["motivo"],
            cambios={k: str(v) for k, v in data["cambios"].items()},
        )
    raise LookupError(code)


def _documento_payload(d: DocumentoTransporte) -> dict:
    return {
        "numero": d.numero,
        "embarcador": d.embarcador,
        "consignatario": {"ruc": d.consignatario_ruc, "nombre": d.consignatario_nombre},
        "deposito": d.deposito_codigo,
        "bultos": d.bultos,
        "peso": str(d.peso),
        "volumen": str(d.volumen),
        "descripcion": d.descripcion,
        "flete": str(d.flete),
        "contenedores": d.contenedores,
    }


def payload_of(content) -> dict:
    if isinstance(content, Manifiesto):
        return {
            "tipo_documento": MAN,
            "modo": content.modo,
            "trayecto": content.trayecto,
            "transportista_codigo": content.transportista_codigo,
            "medio_transporte": {
                "nombre": content.medio_nombre,
                "identificacion": content.medio_identificacion,
                "viaje": content.viaje,
            },
            "distrito": content.distrito,
            "puerto_embarque": content.puerto_embarque,
            "puerto_llegada": content.puerto_llegada,
            "fecha_estimada_llegada": content.fecha_estimada_llegada.isoformat(),
            "documentos": [_documento_payload(d) for d in content.documentos.order_by("msn")],
        }
    if isinstance(content, Desconsolidacion):
        return {
            "tipo_documento": MAN_H,
            "mrn": content.mrn,
            "msn": content.msn,
            "documentos": [_documento_payload(d) for d in content.hijos.order_by("id")],
        }
    return {
        "tipo_documento": MAN_COR,
        "mrn": content.mrn,
        "msn": content.msn,
        "hsn": content.hsn,
        "motivo_codigo": content.motivo_codigo,
        "motivo": content.motivo,
        "cambios": content.cambios,
    }


# --- acceptance ------------------------------------------------------------------------------
def plazo_de(manifest: Manifiesto, on) -> PlazoManifiesto | None:
    return (
        PlazoManifiesto.objects.in_force(on)
        .filter(modo=manifest.modo, trayecto=manifest.trayecto)
        .order_by("-vigente_desde")
        .first()
    )


def flag_deadline(manifest: Manifiesto, sent_on) -> None:
    """Late (accepted, flagged with the reason code) when sent after the art. 31 deadline."""
    plazo = plazo_de(manifest, timezone.localdate(sent_on))
    if plazo is None:
        return
    limit = manifest.fecha_estimada_llegada - timedelta(hours=plazo.horas_antes)
    manifest.limite_transmision = limit
    manifest.tardio = sent_on > limit
    manifest.motivo_tardio = LATE_CODE if manifest.tardio else ""


def on_accepted(edoc, content) -> str:
    year = timezone.localtime(edoc.sent_on).year
    if isinstance(content, Manifiesto):
        seq = next_value(f"mrn:{year}:{content.transportista_codigo}")
        content.mrn = f"CEC{year}{content.transportista_codigo}{_four(seq)}"
        batch.written(_MANIFESTS, content.mrn)
        flag_deadline(content, edoc.sent_on)
        content.save(update_fields=["mrn", "tardio", "motivo_tardio", "limite_transmision"])
        return content.mrn
    if isinstance(content, Desconsolidacion):
        master = DocumentoTransporte.objects.select_for_update().get(pk=content.madre_id)
        for house in content.hijos.order_by("id"):
            house.hsn = _four(next_value(f"hsn:{master.pk}"))
            house.save(update_fields=["hsn"])
        return f"{content.mrn}-{content.msn}-H{_four(next_value(f'manh:{master.pk}'))}"
    # MAN-COR: apply the changes to the document, keeping the values before.
    documento = DocumentoTransporte.objects.select_for_update().get(pk=content.documento_id)
    before = {}
    for name, value in content.cambios.items():
        before[name] = str(getattr(documento, name))
        setattr(documento, name, value)
    documento.save(update_fields=list(content.cambios))
    content.anteriores = before
    content.save(update_fields=["anteriores"])
    return f"{content.mrn}-C{_four(next_value(f'mancor:{content.mrn}'))}"


# --- arrival ---------------------------------------------------------------------------------
def registrar_llegada(edoc, *, fecha_hora, user, oce, ip=None):
    """The carrier registers the real arrival (lifecycle transition ``registrar_llegada``)."""
    from ecuapass.edocs import lifecycle

    if fecha_hora > timezone.now() + timedelta(minutes=5):
        raise CargaError(_("La fecha-hora de llegada no puede ser futura."), "fecha_hora")

    def before(locked):
        manifest = Manifiesto.objects.select_for_update().get(edoc=locked)
        manifest.fecha_llegada = fecha_hora
        manifest.save(update_fields=["fecha_llegada"])

    try:
        return lifecycle.fire(
            edoc, "registrar_llegada", user=user, oce=oce, ip=ip, before=before, note=""
        )
    except lifecycle.TransitionNotAllowed as exc:
        raise CargaError(str(exc)) from None


# --- the depósito temporal -------------------------------------------------------------------
def documentos_del_deposito(oce):
    """Accepted documents consigned to the depósito ``oce`` (houses once numbered)."""
    return (
        DocumentoTransporte.objects.filter(deposito=oce, manifiesto__mrn__isnull=False)
        .exclude(hsn="")
        .select_related("manifiesto")
    )


def documento_del_deposito(oce, mrn: str, msn: str, hsn: str = "") -> DocumentoTransporte:
    documento = documento_por_carga(mrn, msn, hsn)
    if documento is None or documento.deposito_id != oce.pk:
        raise CargaError(
            _("No existe carga manifestada %(c)s consignada a su depósito.")
            % {"c": f"{mrn}/{msn}/{hsn or MASTER_HSN}"},
            "mrn",
        )
    return documento


def _numero_evento(oce) -> str:
    year = timezone.localtime().year
    return f"{oce.code}-{year}-{next_value(f'carga-evento:{oce.code}:{year}'):06d}"


def _evento(documento, oce, user, **fields) -> EventoCarga:
    manifest = documento.manifiesto
    return EventoCarga.objects.create(
        numero=_numero_evento(oce),
        documento=documento,
        deposito=oce,
        distrito=manifest.distrito,
        mrn=manifest.mrn,
        carga=f"{manifest.mrn}-{documento.msn}-{documento.hsn}",
        registrado_por=user,
        **fields,
    )


def _check_fecha(fecha_hora, documento):
    if fecha_hora > timezone.now() + timedelta(minutes=5):
        raise CargaError(_("La fecha-hora no puede ser futura."), "fecha_hora")
    if documento.manifiesto.fecha_llegada is None:
        raise CargaError(
            _("El medio de transporte del manifiesto %(m)s aún no registra su llegada.")
            % {"m": documento.manifiesto.mrn},
            "mrn",
        )


def registrar_ingreso(
    documento, *, oce, user, bultos, peso, fecha_hora, contenedores=(), observacion=""
):
    """IMDT; a difference with the manifest is recorded at once as a faltante or sobrante."""
    with transaction.atomic():
        documento = DocumentoTransporte.objects.select_for_update().get(pk=documento.pk)
        _check_fecha(fecha_hora, documento)
        if documento.eventos.filter(tipo=EventoCarga.Tipo.INGRESO).exists():
            raise CargaError(_("El ingreso de esta carga ya fue registrado."), "mrn")
        diff_bultos = bultos - documento.bultos
        diff_peso = Decimal(peso) - documento.peso
        ingreso = _evento(
            documento,
            oce,
            user,
            tipo=EventoCarga.Tipo.INGRESO,
            fase=EventoCarga.Fase.INGRESO,
            bultos=bultos,
            peso=peso,
            diferencia_bultos=diff_bultos,
            diferencia_peso=diff_peso,
            contenedores=list(contenedores),
            observacion=observacion,
            fecha_hora=fecha_hora,
        )
        events = [ingreso]
        if diff_bultos or diff_peso:
            shortage = diff_bultos < 0 or (diff_bultos == 0 and diff_peso < 0)
            events.append(
                _evento(
                    documento,
                    oce,
                    user,
                    tipo=EventoCarga.Tipo.NOVEDAD,
                    fase=EventoCarga.Fase.INGRESO,
                    novedad=(
                        EventoCarga.Novedad.FALTANTE if shortage else EventoCarga.Novedad.SOBRANTE
                    ),
                    bultos=bultos,
                    peso=peso,
                    diferencia_bultos=diff_bultos,
                    diferencia_peso=diff_peso,
                    observacion=_(
                        "Recibido %(b)s bultos / %(p)s kg; manifestado %(mb)s bultos / %(mp)s kg."
                    )
                    % {"b": bultos, "p": peso, "mb": documento.bultos, "mp": documento.peso},
                    fecha_hora=fecha_hora,
                )
            )
        _seals(documento, contenedores, oce, user, fecha_hora, events)
    return events


def _seals(documento, contenedores, oce, user, fecha_hora, events):
    manifested = {c["numero"]: set(c.get("sellos") or []) for c in documento.contenedores}
    for c in contenedores:
        expected = manifested.get(c["numero"])
        if expected is not None and set(c.get("sellos") or []) != expected:
            events.append(
                _evento(
                    documento,
                    oce,
                    user,
                    tipo=EventoCarga.Tipo.NOVEDAD,
                    fase=EventoCarga.Fase.INGRESO,
                    novedad=EventoCarga.Novedad.SELLO,
                    contenedores=[c],
                    observacion=_("Contenedor %(c)s: sellos %(s)s; manifestados %(m)s.")
                    % {
                        "c": c["numero"],
                        "s": ", ".join(c.get("sellos") or []) or "—",
                        "m": ", ".join(sorted(expected)) or "—",
                    },
                    fecha_hora=fecha_hora,
                )
            )


def registrar_novedad(documento, *, oce, user, novedad, fase, fecha_hora, observacion, **qty):
    with transaction.atomic():
        documento = DocumentoTransporte.objects.select_for_update().get(pk=documento.pk)
        _check_fecha(fecha_hora, documento)
        if not documento.eventos.filter(tipo=EventoCarga.Tipo.INGRESO).exists():
            raise CargaError(_("Registre primero el ingreso (IMDT) de esta carga."), "mrn")
        bultos = qty.get("bultos") or 0
        peso = Decimal(qty.get("peso") or 0)
        return _evento(
            documento,
            oce,
            user,
            tipo=EventoCarga.Tipo.NOVEDAD,
            fase=fase,
            novedad=novedad,
            bultos=bultos,
            peso=peso,
            diferencia_bultos=-bultos if novedad == EventoCarga.Novedad.FALTANTE else bultos,
            diferencia_peso=-peso if novedad == EventoCarga.Novedad.FALTANTE else peso,
            observacion=observacion,
            fecha_hora=fecha_hora,
        )


def registrar_salida(documento, *, oce, user, fecha_hora, observacion=""):
    """The goods leave: only with a DAI discharged against them in «salida autorizada»."""
    with transaction.atomic():
        documento = DocumentoTransporte.objects.select_for_update().get(pk=documento.pk)
        _check_fecha(fecha_hora, documento)
        ingreso = documento.eventos.filter(tipo=EventoCarga.Tipo.INGRESO).first()
        if ingreso is None:
            raise CargaError(_("Registre primero el ingreso (IMDT) de esta carga."), "mrn")
        if documento.eventos.filter(tipo=EventoCarga.Tipo.SALIDA).exists():
            raise CargaError(_("La salida de esta carga ya fue registrada."), "mrn")
        descargo = Descargo.objects.select_related("dai").filter(documento=documento).first()
        if descargo is None or descargo.dai.estado_documento != SALIDA_AUTORIZADA:
            raise CargaError(
                _(
                    "La carga %(c)s no tiene salida autorizada: ninguna declaración aceptada "
                    "por ella tiene el levante."
                )
                % {"c": documento.referencia},
                "mrn",
            )
        return _evento(
            documento,
            oce,
            user,
            tipo=EventoCarga.Tipo.SALIDA,
            fase=EventoCarga.Fase.SALIDA,
            bultos=ingreso.bultos,
            peso=ingreso.peso,
            dai=descargo.dai,
            observacion=observacion,
            fecha_hora=fecha_hora,
        )


# --- the DAI's discharge ---------------------------------------------------------------------
def descargar(dai_edoc) -> Descargo | None:
    """Called when a DAI is accepted: the transport document it declared is discharged."""
    from .checks import cargo_of, control_in_force

    dai = dai_edoc.dai if hasattr(dai_edoc, "dai") else None
    if dai is None or control_in_force(timezone.localdate(dai_edoc.sent_on)) is None:
        return None
    documento = cargo_of(dai)
    if documento is None or documento.consignatario_ruc != dai.importador_ruc:
        return None
    descargo, _created = Descargo.objects.get_or_create(
        dai=dai_edoc,
        defaults={"documento": documento, "peso": dai.total_peso_bruto, "flete": dai.total_flete},
    )
    return descargo


def liberar(dai_edoc) -> None:
    """An annulled DAI gives its cargo back."""
    Descargo.objects.filter(dai=dai_edoc).delete()


# --- the terms the arrival starts ------------------------------------------------------------
def declarar_hasta(documento):
    """The last day to declare the cargo: its arrival + the ControlCarga's days (or None)."""
    from .checks import control_in_force

    llegada = documento.manifiesto.fecha_llegada
    if llegada is None:
        return None
    control = control_in_force(timezone.localdate(llegada))
    if control is None:
        return None
    return timezone.localdate(llegada) + timedelta(days=control.dias_para_declarar)


# --- hooks of the types ----------------------------------------------------------------------
def resolve(content) -> None:
    """Re-resolve what a draft names (a master, a document) at the moment it is sent."""
    if isinstance(content, Desconsolidacion):
        master = documento_por_carga(content.mrn, content.msn)
        content.madre = master
        content.save(update_fields=["madre"])
        content.hijos.update(madre=master, manifiesto=master.manifiesto if master else None)
    elif isinstance(content, CorreccionManifiesto):
        content.documento = documento_por_carga(content.mrn, content.msn, content.hsn)
        content.save(update_fields=["documento"])


def reference_of(content) -> str:
    if isinstance(content, Manifiesto):
        return f"{content.medio_nombre} {content.viaje}".strip()
    if isinstance(content, Desconsolidacion):
        return f"{content.mrn}/{content.msn}"
    return f"{content.mrn}/{content.msn}/{content.hsn}"


def distrito_of(content) -> str:
    if isinstance(content, Manifiesto):
        return content.distrito
    if isinstance(content, Desconsolidacion):
        return content.madre.manifiesto.distrito if content.madre_id else ""
    return content.documento.manifiesto.distrito if content.documento_id else ""

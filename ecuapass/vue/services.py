"""The VUE's domain: requests from payloads, review, assignment, issuing, verification, descargo.

Every state change goes through ``edocs.lifecycle.fire`` (see ``edoc.py`` for the lifecycle); the
functions here build and update the content and are shared by the portal, the API and the admin.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core.numbering import next_value
from ecuapass.despacho import files
from ecuapass.edocs import lifecycle

from . import states
from .models import (
    Actuacion,
    Adjunto,
    Descargo,
    DocumentoEmitido,
    Funcionario,
    Producto,
    Rol,
    Saldo,
    Solicitud,
    TipoDocumento,
)


class VueError(Exception):
    def __init__(self, message, field: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


# --- the request's content ---------------------------------------------------------------------
def build(edoc, data: dict) -> Solicitud:
    """Create the content of ``edoc`` from validated data (``serializers.SolicitudIn``)."""
    solicitud = Solicitud.objects.create(
        edoc=edoc, tipo=data["tipo_obj"], datos=data.get("datos_limpios", {})
    )
    replace_products(solicitud, data["productos"])
    store_attachments(solicitud, data.get("adjuntos") or ())
    return solicitud


def replace_products(solicitud: Solicitud, productos) -> None:
    solicitud.productos.all().delete()
    Producto.objects.bulk_create(
        Producto(
            solicitud=solicitud,
            numero=index,
            subpartida=p["subpartida"],
            descripcion=p["descripcion"],
            cantidad=p["cantidad"],
            unidad=p["unidad"],
        )
        for index, p in enumerate(productos, start=1)
    )


def store_attachments(solicitud: Solicitud, attachments) -> None:
    """Store each ``{"etiqueta", "nombre", "datos"}`` (checked bytes) with its row."""
    attachments = list(attachments)

    def save_row(index, saved):
        Adjunto.objects.create(
            solicitud=solicitud,
            etiqueta=(attachments[index].get("etiqueta") or "")[:120],
            stored_name=saved.stored_name,
            original_name=saved.original_name,
            content_type=saved.content_type,
            size=saved.size,
            sha256=saved.sha256,
        )

    files.store_all(((a["nombre"], a["datos"]) for a in attachments), save_row)


def payload_of(solicitud: Solicitud) -> dict:
    """The request as the JSON e-doc the API accepts (the envío as sent; attachments in base64)."""
    return {
        "tipo_documento": "VUE",
        "tipo": solicitud.tipo.code,
        "datos": solicitud.datos,
        "productos": [
            {
                "subpartida": p.subpartida,
                "descripcion": p.descripcion,
                "cantidad": str(p.cantidad),
                "unidad": p.unidad,
            }
            for p in solicitud.productos.all()
        ],
        "adjuntos": [
            {"etiqueta": a.etiqueta, "nombre": a.original_name, "contenido": files.base64_of(a)}
            for a in solicitud.adjuntos.all()
        ],
    }


def number(edoc, solicitud: Solicitud) -> str:
    """VUE-<ENTIDAD>-<año>-<secuencial>, gap-free per agency and year."""
    year = timezone.localdate().year
    code = solicitud.tipo.entidad.code
    return f"VUE-{code}-{year}-{next_value(f'vue:{code}:{year}'):06d}"


# --- business days -----------------------------------------------------------------------------
def add_business_days(start, days: int):
    """``days`` business days after ``start`` (Saturdays, Sundays and dated holidays skipped)."""
    holidays = _holidays(start, start + timedelta(days=days * 2 + 30))
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


def _holidays(start, end) -> set:
    """Ecuador's national holidays when the payments context's calendar is installed."""
    from django.apps import apps

    for label in ("obligaciones.Feriado", "obligaciones.Holiday"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        field = "fecha" if any(f.name == "fecha" for f in model._meta.fields) else "date"
        return set(
            model.objects.filter(**{f"{field}__range": (start, end)}).values_list(field, flat=True)
        )
    return set()


# --- assignment --------------------------------------------------------------------------------
def pick_tecnico(solicitud: Solicitud) -> Funcionario | None:
    """Balanced and reproducible: the técnicos of the agency with the fewest open requests, the
    tie broken by a generator seeded with the request (the same request always draws the same)."""
    open_q = Q(asignadas__edoc__estado_documento__in=states.OPEN)
    tecnicos = list(
        Funcionario.objects.active()
        .filter(entidad=solicitud.tipo.entidad, rol=Rol.TECNICO)
        .annotate(carga=Count("asignadas", filter=open_q))
        .order_by("pk")
    )
    if not tecnicos:
        return None
    least = min(t.carga for t in tecnicos)
    candidates = [t for t in tecnicos if t.carga == least]
    return random.Random(f"vue:{solicitud.pk}").choice(candidates)  # noqa: S311 - not a secret


def assign(
    solicitud: Solicitud, *, funcionario: Funcionario | None = None, by=None, note=""
) -> None:
    chosen = funcionario or pick_tecnico(solicitud)
    reassign = solicitud.asignado_a_id is not None
    solicitud.asignado_a = chosen
    solicitud.save(update_fields=["asignado_a"])
    Actuacion.objects.create(
        solicitud=solicitud,
        tipo=Actuacion.Tipo.REASIGNACION if reassign else Actuacion.Tipo.ASIGNACION,
        por=by,
        funcionario=chosen,
        nota=note,
    )


# --- effects of the lifecycle's transitions (run inside fire()'s transaction) -------------------
def on_paid(edoc) -> None:
    solicitud = edoc.content
    solicitud.pagada_el = solicitud.pagada_el or timezone.now()
    solicitud.vence_el = add_business_days(
        timezone.localdate(solicitud.pagada_el), solicitud.tipo.plazo_dias_habiles
    )
    solicitud.save(update_fields=["pagada_el", "vence_el"])
    assign(solicitud)


def record(tipo: str, edoc, *, user=None, note: str = "") -> None:
    solicitud = edoc.content
    funcionario = getattr(user, "funcionario_vue", None) if user is not None else None
    Actuacion.objects.create(
        solicitud=solicitud, tipo=tipo, por=user, funcionario=funcionario, nota=note
    )


def issue(edoc, *, user=None, note: str = "") -> DocumentoEmitido:
    """The documento de control previo, with one saldo per product."""
    solicitud = edoc.content
    tipo = solicitud.tipo
    today = timezone.localdate()
    year = today.year
    numero = f"{tipo.entidad.code}-{tipo.code.split('-')[-1]}-{year}-{next_value(f'vue-doc:{tipo.code}:{year}'):06d}"
    documento = DocumentoEmitido.objects.create(
        numero=numero,
        solicitud=solicitud,
        tipo=tipo,
        titular=edoc.party_operator,
        valido_desde=today,
        valido_hasta=today + timedelta(days=tipo.vigencia_dias),
        condiciones=note,
        emitido_por=user,
    )
    Saldo.objects.bulk_create(
        Saldo(
            documento=documento,
            numero=p.numero,
            subpartida=p.subpartida,
            descripcion=p.descripcion,
            unidad=p.unidad,
            autorizado=p.cantidad,
        )
        for p in solicitud.productos.all()
    )
    record(Actuacion.Tipo.EMISION, edoc, user=user, note=note)
    return documento


# --- the operator's subsanación ----------------------------------------------------------------
def subsanar(edoc, data: dict, *, user, oce) -> None:
    """The applicant corrects a returned request and sends it back to its técnico."""
    from ecuapass.edocs.models import EDocument

    with transaction.atomic():
        edoc = EDocument.objects.select_for_update(of=("self",)).get(pk=edoc.pk)
        solicitud = Solicitud.objects.select_for_update().get(edoc=edoc)
        if edoc.estado_documento != states.SUBSANACION:
            raise VueError(_("La solicitud no está devuelta para subsanación."))
        solicitud.datos = data.get("datos_limpios", {})
        solicitud.subsanaciones = F("subsanaciones") + 1
        solicitud.save(update_fields=["datos", "subsanaciones"])
        replace_products(solicitud, data["productos"])
        store_attachments(solicitud, data.get("adjuntos") or ())
        lifecycle.fire(edoc, "subsanar", user=user, oce=oce, note=data.get("nota", ""))


# --- verification and descargo -----------------------------------------------------------------
def verify(numero: str, codigo: str) -> DocumentoEmitido | None:
    """The document if the number and its verification code match (else None: forged)."""
    documento = (
        DocumentoEmitido.objects.select_related("tipo__entidad", "titular")
        .prefetch_related("saldos")
        .filter(numero=numero)
        .first()
    )
    if documento is None or not _same(documento.codigo_verificacion, codigo or ""):
        return None
    return documento


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


def usable_documents(titular, tipo: TipoDocumento, on):
    return DocumentoEmitido.objects.filter(
        titular=titular,
        tipo=tipo,
        estado=DocumentoEmitido.Estado.VIGENTE,
        valido_desde__lte=on,
        valido_hasta__gte=on,
    )


def descargar(declaracion, lines, *, on) -> None:
    """Discharge each ``(item, numero_documento, subpartida, cantidad)`` of an accepted declaration
    from the permits' balances, atomically: the balance rows are locked and the database's check
    constraint refuses an overdraw, so two declarations cannot spend the same quantity."""
    with transaction.atomic():
        for item, numero, subpartida, cantidad in lines:
            saldo = (
                Saldo.objects.select_for_update()
                .filter(documento__numero=numero, subpartida=subpartida)
                .order_by("numero")
                .first()
            )
            if saldo is None or saldo.disponible < Decimal(cantidad):
                raise VueError(
                    _("El documento %(doc)s no tiene saldo para el ítem %(item)s.")
                    % {"doc": numero, "item": item}
                )
            Descargo.objects.get_or_create(
                saldo=saldo, declaracion=declaracion, item=item, defaults={"cantidad": cantidad}
            )
            Saldo.objects.filter(pk=saldo.pk).update(descargado=F("descargado") + cantidad)


def registry_type():
    from ecuapass.edocs import registry

    from .serializers import CODE

    return registry.get(CODE)


def update_draft(draft, data: dict) -> Solicitud:
    """A draft's content from the form (types checked; completeness at «Enviar»)."""
    solicitud = draft.content
    solicitud.tipo = data["tipo_obj"]
    solicitud.datos = data.get("datos_limpios", {})
    solicitud.save(update_fields=["tipo", "datos"])
    replace_products(solicitud, data["productos"])
    store_attachments(solicitud, data.get("adjuntos") or ())
    draft.reference = solicitud.tipo.code
    draft.save(update_fields=["reference", "modified_on"])
    return solicitud


# --- certificados por vencer ------------------------------------------------------------------
AVISO_DIAS = 30


def expiring(operator_id, today, *, limit=None):
    """The operator's permits in force that expire within ``AVISO_DIAS`` (soonest first)."""
    queryset = (
        DocumentoEmitido.objects.filter(
            titular_id=operator_id,
            estado=DocumentoEmitido.Estado.VIGENTE,
            valido_hasta__gte=today,
            valido_hasta__lte=today + timedelta(days=AVISO_DIAS),
        )
        .select_related("tipo__entidad")
        .order_by("valido_hasta")
    )
    return queryset[:limit] if limit else queryset


def notify_expiring(today=None) -> int:
    """Tell each holder, once, that a permit expires within 30 days (buzón of the filing code)."""
    from django.utils.translation import gettext_lazy

    from ecuapass.notifications.services import notify

    today = today or timezone.localdate()
    pending = DocumentoEmitido.objects.filter(
        estado=DocumentoEmitido.Estado.VIGENTE,
        aviso_vencimiento_el__isnull=True,
        valido_hasta__gte=today,
        valido_hasta__lte=today + timedelta(days=AVISO_DIAS),
    ).select_related("tipo__entidad", "solicitud__edoc__filer_oce")
    sent = 0
    for documento in pending:
        with transaction.atomic():
            locked = (
                DocumentoEmitido.objects.select_for_update()
                .filter(pk=documento.pk, aviso_vencimiento_el__isnull=True)
                .first()
            )
            if locked is None:
                continue
            notify(
                oce_code=documento.solicitud.edoc.filer_oce,
                sender=documento.tipo.entidad.code,
                kind="vue.por_vencer",
                subject=gettext_lazy("CERTIFICADO POR VENCER - %(n)s"),
                body=gettext_lazy(
                    "El documento %(n)s (%(t)s) vence el %(f)s. Solicite uno nuevo a tiempo en "
                    "Ventanilla Única."
                ),
                params={
                    "n": documento.numero,
                    "t": documento.tipo.name,
                    "f": documento.valido_hasta,
                },
                category="vue",
                related=documento,
            )
            locked.aviso_vencimiento_el = timezone.now()
            locked.save(update_fields=["aviso_vencimiento_el"])
            sent += 1
    return sent


def anular(documento: DocumentoEmitido, *, by, motivo: str) -> DocumentoEmitido:
    """The agency's director cancels an issued permit: no declaration may use it from now on
    (what was discharged stays), the holder is told, the verification page says ANULADO."""
    from django.utils.translation import gettext_lazy

    from ecuapass.notifications.services import notify

    motivo = (motivo or "").strip()
    if not motivo:
        raise VueError(_("Escriba el motivo de la anulación."), field="motivo")
    with transaction.atomic():
        locked = DocumentoEmitido.objects.select_for_update().get(pk=documento.pk)
        if locked.estado == DocumentoEmitido.Estado.ANULADO:
            raise VueError(_("El documento ya está anulado."))
        locked.estado = DocumentoEmitido.Estado.ANULADO
        locked.save(update_fields=["estado"])
        Actuacion.objects.create(
            solicitud=locked.solicitud,
            tipo=Actuacion.Tipo.ANULACION,
            por=by,
            funcionario=getattr(by, "funcionario_vue", None),
            nota=motivo,
        )
        notify(
            oce_code=locked.solicitud.edoc.filer_oce,
            sender=locked.tipo.entidad.code,
            kind="vue.anulado",
            subject=gettext_lazy("DOCUMENTO ANULADO - %(n)s"),
            body=gettext_lazy("%(e)s anuló el documento %(n)s. Motivo: %(m)s"),
            params={"n": locked.numero, "e": locked.tipo.entidad.code, "m": motivo},
            category="vue",
            related=locked,
        )
    return locked

"""Who sees which cargo, and the queries of 2.11 (each filtered on an index, paginated in the DB).

An operator sees the cargo it touched: the transportista what it manifested, the consolidadora
its houses, the depósito what is consigned to it, the importer (a titular code) what is
consigned to its RUC, and the filer of a DAI the cargo that DAI declared.
"""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from ecuapass.core.models import Capability

from .models import Descargo, DocumentoTransporte, EventoCarga, Manifiesto


def documentos_visibles(oce):
    registration = oce.registration
    scope = (
        Q(manifiesto__edoc__filer_oce=oce, desconsolidacion__isnull=True)
        | Q(desconsolidacion__edoc__filer_oce=oce)
        | Q(deposito=oce)
        | Q(pk__in=Descargo.objects.filter(dai__filer_oce=oce).values("documento_id"))
    )
    if registration.oce_type.has(Capability.TITULAR):
        scope |= Q(consignatario_ruc=registration.operator.ruc)
    return (
        DocumentoTransporte.objects.filter(manifiesto__mrn__isnull=False)
        .exclude(hsn="")
        .filter(scope)
    )


def _range(desde, hasta):
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(desde, time.min), tz),
        timezone.make_aware(datetime.combine(hasta, time.max), tz),
    )


def novedades(oce, data: dict):
    """Events of a distrito in a date range (index carga_evt_distrito), scoped to ``oce``;
    ``oce`` None: an officer's view, whose distrito the caller has checked."""
    start, end = _range(data["desde"], data["hasta"])
    qs = EventoCarga.objects.filter(
        distrito=data["distrito"], fecha_hora__gte=start, fecha_hora__lte=end
    )
    if oce is not None:
        qs = qs.filter(Q(deposito=oce) | Q(documento_id__in=documentos_visibles(oce).values("pk")))
    if data.get("fase"):
        qs = qs.filter(fase=data["fase"])
    if data.get("numero"):
        qs = qs.filter(numero=data["numero"].strip())
    if data.get("deposito"):
        qs = qs.filter(deposito__code=data["deposito"].strip())
    if data.get("carga"):
        qs = qs.filter(carga__startswith=data["carga"].strip().upper())
    q = (data.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(numero__icontains=q) | Q(mrn__icontains=q.upper()) | Q(deposito__code=q))
    return qs.select_related("deposito", "dai").order_by("-fecha_hora", "-id")


def llegadas(oce, data: dict):
    """Arrivals of a distrito in a date range (index carga_man_llegada), scoped to ``oce``."""
    start, end = _range(data["desde"], data["hasta"])
    qs = Manifiesto.objects.filter(
        distrito=data["distrito"], fecha_llegada__gte=start, fecha_llegada__lte=end
    )
    if oce is not None:
        qs = qs.filter(
            Q(edoc__filer_oce=oce) | Q(pk__in=documentos_visibles(oce).values("manifiesto_id"))
        )
    if data.get("modo"):
        qs = qs.filter(modo=data["modo"])
    return qs.select_related("edoc").order_by("-fecha_llegada", "-id")


def timeline(documento) -> list[dict]:
    """The cargo's events, oldest first: manifested, houses, arrived, declared, depósito."""
    from django.utils.translation import gettext as _

    manifest = documento.manifiesto
    rows = [
        {
            "at": manifest.edoc.accepted_on,
            "what": _("Manifestada (MRN %(mrn)s)") % {"mrn": manifest.mrn},
            "detail": f"{documento.bultos} / {documento.peso} kg",
        }
    ]
    if documento.desconsolidacion_id:
        rows.append(
            {
                "at": documento.desconsolidacion.edoc.accepted_on,
                "what": _("Documento hijo transmitido (HSN %(hsn)s)") % {"hsn": documento.hsn},
                "detail": documento.numero,
            }
        )
    if manifest.fecha_llegada:
        rows.append(
            {
                "at": manifest.fecha_llegada,
                "what": _("Arribó el medio de transporte"),
                "detail": manifest.medio_nombre,
            }
        )
    from .services import declarar_hasta

    due = declarar_hasta(documento)
    if due is not None and not documento.descargos.exists():
        rows.append(
            {
                "at": timezone.make_aware(datetime.combine(due, time.max)),
                "what": _("Vence el plazo para declarar"),
                "detail": due.strftime("%d/%m/%Y"),
            }
        )
    for descargo in documento.descargos.select_related("dai"):
        rows.append(
            {
                "at": descargo.el,
                "what": _("Declarada"),
                "detail": descargo.dai.document_number,
            }
        )
    for evento in documento.eventos.order_by("fecha_hora", "id"):
        label = evento.get_tipo_display()
        if evento.novedad:
            label = f"{label}: {evento.get_novedad_display()}"
        rows.append({"at": evento.fecha_hora, "what": label, "detail": evento.observacion})
    return sorted((r for r in rows if r["at"]), key=lambda r: r["at"])

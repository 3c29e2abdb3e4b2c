"""The DAI's prints (dai.pdf, liquidacion.pdf): rendered in the request when small, by a worker
when large.

WeasyPrint lays out a page in a fraction of a second to a second, so a 999-item DAI (50-70
pages) took minutes inside a web thread. A DAI of more than ``ECUAPASS_PDF_SYNC_MAX_ITEMS``
items is printed by the ``generar_impresion`` task instead: the request records an
``Impresion`` (one per document, print, language and version of the document), enqueues
the job and answers at once with a "Generando…" page that reloads itself; once the worker
stored the file, the same URL, after the same scope check, serves it.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Dai, Impresion

logger = logging.getLogger(__name__)

TEMPLATES = {
    Impresion.Tipo.DAI: "customs/pdf/dai.html",
    Impresion.Tipo.LIQUIDACION: "customs/pdf/liquidacion.html",
}
# django-tasks-db statuses of a job that will still run.
LIVE_JOB = ("READY", "RUNNING")


def filename(tipo: str, edoc) -> str:
    if tipo == Impresion.Tipo.DAI:
        return f"DAI-{edoc.document_number or edoc.numero_entrega or edoc.pk}.pdf"
    return f"liquidacion-{edoc.document_number or edoc.pk}.pdf"


def render_pdf(tipo: str, edoc, dai: Dai) -> bytes:
    """The print as PDF bytes, in the active language."""
    from weasyprint import HTML

    return HTML(string=render_html(tipo, edoc, dai)).write_pdf()


def render_html(tipo: str, edoc, dai: Dai) -> str:
    """The HTML the print is made of (what the PDF shows)."""
    context = {
        "edoc": edoc,
        "dai": dai,
        "items": dai.items.order_by("numero"),
        "liq": getattr(dai, "liquidacion", None),
        "has_presuntivo": dai.items.filter(seguro_presuntivo=True).exists(),
    }
    return render_to_string(TEMPLATES[tipo], context)


def in_background(dai: Dai) -> bool:
    return dai.items.count() > settings.ECUAPASS_PDF_SYNC_MAX_ITEMS


def version_of(edoc, dai: Dai) -> str:
    """A fingerprint of what the prints show: the document's states and numbers, its last
    change, and the liquidación's computation."""
    liq = getattr(dai, "liquidacion", None)
    parts = [
        edoc.modified_on.isoformat() if edoc.modified_on else "",
        edoc.estado_transmision,
        edoc.estado_documento,
        edoc.numero_entrega or "",
        edoc.document_number,
        dai.numero_items,
        dai.total_cif,
        liq.computed_on.isoformat() if liq and liq.computed_on else "",
        liq.frozen_on.isoformat() if liq and liq.frozen_on else "",
        liq.total_tributos if liq else "",
    ]
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def request_print(edoc, dai: Dai, tipo: str, *, retry: bool = False) -> Impresion:
    """The print of the document as it is now, in the active language; enqueued when new,
    when its job was lost, or (``retry``) when it failed."""
    idioma = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        impresion, created = Impresion.objects.get_or_create(
            edoc=edoc, tipo=tipo, idioma=idioma, version=version_of(edoc, dai)
        )
        impresion = Impresion.objects.select_for_update().get(pk=impresion.pk)
        if created:
            _forget_older(impresion)
            _enqueue(impresion)
        elif impresion.estado == Impresion.Estado.ERROR and retry:
            _enqueue(impresion)
        elif impresion.estado == Impresion.Estado.PENDIENTE and not _job_alive(impresion):
            _enqueue(impresion)
        elif impresion.estado == Impresion.Estado.LISTA and not _file_exists(impresion):
            _enqueue(impresion)
    return impresion


def _forget_older(impresion: Impresion) -> None:
    """Prints of earlier versions of the document go, files included (after the commit)."""
    older = Impresion.objects.filter(
        edoc_id=impresion.edoc_id, tipo=impresion.tipo, idioma=impresion.idioma
    ).exclude(pk=impresion.pk)
    names = [name for name in older.values_list("archivo", flat=True) if name]
    older.delete()
    if names:
        storage = Impresion._meta.get_field("archivo").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _enqueue(impresion: Impresion) -> None:
    from .tasks import generar_impresion

    result = generar_impresion.enqueue(impresion.pk)
    impresion.estado = Impresion.Estado.PENDIENTE
    impresion.error = ""
    impresion.job_id = str(result.id)
    impresion.save(update_fields=["estado", "error", "job_id"])


def _job_alive(impresion: Impresion) -> bool:
    from django_tasks_db.models import DBTaskResult

    status = (
        DBTaskResult.objects.filter(pk=impresion.job_id).values_list("status", flat=True).first()
        if impresion.job_id
        else None
    )
    return status in LIVE_JOB


def _file_exists(impresion: Impresion) -> bool:
    return bool(impresion.archivo) and impresion.archivo.storage.exists(impresion.archivo.name)


def generate(impresion_id: int) -> str:
    """Run by the worker: render the print and store it. Idempotent (a print already stored
    is not rendered again); a rendering failure is recorded on the print, a database outage
    propagates (the job is retried)."""
    impresion = Impresion.objects.select_related("edoc").filter(pk=impresion_id).first()
    if impresion is None:
        return "missing"
    if impresion.estado == Impresion.Estado.LISTA and _file_exists(impresion):
        return "done"
    dai = Dai.objects.select_related("liquidacion").get(edoc=impresion.edoc)
    try:
        with translation.override(impresion.idioma):
            pdf = render_pdf(impresion.tipo, impresion.edoc, dai)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # noqa: BLE001 - any rendering failure is reported on the page
        logger.exception("customs: print %s failed", impresion_id)
        Impresion.objects.filter(pk=impresion_id).update(
            estado=Impresion.Estado.ERROR, error=str(exc)[:500], terminada_el=timezone.now()
        )
        return "error"
    field = Impresion._meta.get_field("archivo")
    name = field.storage.save(
        field.generate_filename(impresion, f"{impresion.tipo}-{impresion.version[:16]}.pdf"),
        ContentFile(pdf),
    )
    with transaction.atomic():
        current = Impresion.objects.select_for_update().filter(pk=impresion_id).first()
        if current is None:  # a newer version replaced it meanwhile
            field.storage.delete(name)
            return "stale"
        previous = current.archivo.name
        current.archivo.name = name
        current.estado = Impresion.Estado.LISTA
        current.error = ""
        current.terminada_el = timezone.now()
        current.save(update_fields=["archivo", "estado", "error", "terminada_el"])
    if previous and previous != name:
        field.storage.delete(previous)
    return "lista"

"""A received document is never left without a live job (a hook of ``core.jobs.recover``).

``core.jobs`` has already put back in the queue the jobs of dead workers and the transient
failures. What is left for a document still Recibido:

* its job FAILED (any reason): requeued in place after the backoff of its attempts — a
  document is never given up, nor retried in a tight loop;
* its job vanished (pruned, or never written): a new job.

Processing is idempotent (``services.process`` locks the row and checks the state), so a
spurious requeue never processes a document twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.core import jobs

from .models import EDocument
from .states import TransmissionState as T
from .tasks import process_document

logger = logging.getLogger(__name__)


def recover_stalled(now: datetime | None = None) -> list[int]:
    """Requeue the received documents whose job failed or vanished; returns their ids."""
    now = now or timezone.now()
    live = {
        str(pk)
        for pk in DBTaskResult.objects.filter(
            task_path=process_document.module_path, status__in=[jobs.READY, jobs.RUNNING]
        ).values_list("pk", flat=True)
    }
    candidates = [
        (pk, job_id)
        for pk, job_id in EDocument.objects.filter(estado_transmision=T.RECIBIDO)
        .values_list("pk", "job_id")
        .iterator()
        if job_id not in live
    ]
    requeued = [pk for pk, job_id in candidates if _requeue(pk, job_id, now)]
    if requeued:
        logger.warning("edocs: requeued %d stalled documents: %s", len(requeued), requeued)
    return requeued


def _requeue(pk: int, job_id: str, now: datetime) -> bool:
    with transaction.atomic():
        # Re-read under the row lock: the document may have been processed, or its job
        # replaced, since the candidates were listed.
        edoc = (
            EDocument.objects.select_for_update()
            .filter(pk=pk, estado_transmision=T.RECIBIDO, job_id=job_id)
            .first()
        )
        if edoc is None:
            return False
        job = DBTaskResult.objects.filter(pk=job_id).first() if job_id else None
        if job is not None and job.status in (jobs.READY, jobs.RUNNING):
            return False
        if job is not None and job.status == jobs.FAILED:
            if job.finished_at and job.finished_at + jobs.backoff(jobs.attempts(job)) > now:
                return False
            return jobs.requeue(job, now=now)
        result = process_document.enqueue(pk)
        EDocument.objects.filter(pk=pk).update(job_id=str(result.id))
        return True

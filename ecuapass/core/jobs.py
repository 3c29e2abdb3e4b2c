"""The job queue: its health, and its recovery after a worker or the database failed.

Workers (``manage.py run_worker``, see ``core.worker``) keep their ``WorkerHeartbeat`` row
fresh. A worker that stopped, or has been silent for longer than
``ECUAPASS_WORKER_STALE_SECONDS``, is dead. ``recover()`` — run by every worker every
``ECUAPASS_WORKER_RECOVERY_SECONDS`` and by ``manage.py recover_jobs``:

* puts back in the queue, at once, every RUNNING job whose worker is dead (a RUNNING job of a
  worker that never beat, such as a plain ``db_worker``, after
  ``ECUAPASS_UNTRACKED_JOB_SECONDS``);
* retries jobs that failed for a transient reason (database or network unavailable) after a
  backoff, up to ``ECUAPASS_JOB_MAX_ATTEMPTS`` attempts in all;
* runs the hooks of ``ECUAPASS_JOB_RECOVERY_HOOKS`` (e-docs: a document still Recibido always
  has a live job).

Every task is idempotent (it locks its row and skips work already done), so running a job
again is safe. A job is requeued in place (the same row, status READY again, as django-tasks
defines it) by a compare-and-set on the attempt it was read at: two recoverers never requeue
one attempt twice, and a job another worker has claimed meanwhile is left alone.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# The database is down, restarting or dropped the connection.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

READY = TaskResultStatus.READY
RUNNING = TaskResultStatus.RUNNING
FAILED = TaskResultStatus.FAILED
SUCCESSFUL = TaskResultStatus.SUCCESSFUL

# Failures worth another attempt: the job did nothing wrong, something it needs was away.
TRANSIENT_ERRORS = frozenset(
    {
        "django.db.utils.OperationalError",
        "django.db.utils.InterfaceError",
        "builtins.ConnectionError",
        "builtins.ConnectionAbortedError",
        "builtins.ConnectionRefusedError",
        "builtins.ConnectionResetError",
        "builtins.BrokenPipeError",
        "builtins.TimeoutError",
        "socket.gaierror",
        "smtplib.SMTPConnectError",
        "smtplib.SMTPServerDisconnected",
    }
)

# Heartbeat rows of workers gone for this long are deleted; /healthz lists the last hour.
FORGET_WORKERS_AFTER = timedelta(days=1)
LIST_WORKERS_SEEN_WITHIN = timedelta(hours=1)
# Transient failures older than this are left as they are.
RETRY_WITHIN = timedelta(days=1)


class WorkerLost(Exception):
    """The worker running a job died with it, too many times: the job is given up."""


# --- attempts -------------------------------------------------------------------
def attempts(job: DBTaskResult) -> int:
    """How many times the job was claimed (django-tasks-db appends each claimant's id)."""
    return len(job.worker_ids or [])


def backoff(attempts_made: int) -> timedelta:
    """Wait before the next attempt: none after the first, then 10 s doubling up to an hour."""
    if attempts_made <= 1:
        return timedelta(0)
    return timedelta(seconds=min(10 * 2 ** min(attempts_made - 2, 20), 3600))


def requeue(job: DBTaskResult, *, now: datetime) -> bool:
    """Put a RUNNING or FAILED job back in the queue, unless it changed since it was read.

    ``run_after`` is set to now, so the queue's age counts from the requeue.
    """
    return bool(
        DBTaskResult.objects.filter(
            pk=job.pk, status=job.status, started_at=job.started_at, finished_at=job.finished_at
        ).update(
            status=READY,
            run_after=now,
            finished_at=None,
            return_value=None,
            exception_class_path="",
            traceback="",
        )
    )


def give_back(job: DBTaskResult, *, now: datetime, worker: str) -> bool:
    """The RUNNING job's worker is gone: requeue it, or fail it after too many attempts."""
    if attempts(job) < settings.ECUAPASS_JOB_MAX_ATTEMPTS:
        return requeue(job, now=now)
    failed = DBTaskResult.objects.filter(
        pk=job.pk, status=RUNNING, started_at=job.started_at
    ).update(
        status=FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"El trabajador {worker} dejó de responder en el intento {attempts(job)}.",
    )
    if failed:
        logger.error("jobs: %s given up after %d lost attempts", job.pk, attempts(job))
    return False


# --- workers --------------------------------------------------------------------
def stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.ECUAPASS_WORKER_STALE_SECONDS)


def is_dead(beat: WorkerHeartbeat, now: datetime) -> bool:
    return beat.stopped_on is not None or beat.seen_on < stale_before(now)


def claimant(job: DBTaskResult) -> str:
    return job.worker_ids[-1] if job.worker_ids else ""


def requeue_orphans(now: datetime | None = None) -> list[str]:
    """RUNNING jobs whose worker is dead go back to the queue; returns their ids."""
    now = now or timezone.now()
    running = list(DBTaskResult.objects.filter(status=RUNNING).order_by())
    if not running:
        return []
    beats = {
        beat.worker: beat
        for beat in WorkerHeartbeat.objects.filter(worker__in={claimant(j) for j in running})
    }
    untracked_before = now - timedelta(seconds=settings.ECUAPASS_UNTRACKED_JOB_SECONDS)
    requeued = []
    for job in running:
        beat = beats.get(claimant(job))
        if beat is not None and not is_dead(beat, now):
            continue
        if beat is None and (job.started_at is None or job.started_at > untracked_before):
            continue
        if give_back(job, now=now, worker=claimant(job)):
            requeued.append(str(job.pk))
    if requeued:
        logger.warning("jobs: requeued %d jobs of dead workers: %s", len(requeued), requeued)
    return requeued


def retry_transient_failures(now: datetime | None = None) -> list[str]:
    """Jobs failed for a transient reason are retried once their backoff has passed."""
    now = now or timezone.now()
    failed = DBTaskResult.objects.filter(
        status=FAILED,
        exception_class_path__in=TRANSIENT_ERRORS,
        finished_at__gte=now - RETRY_WITHIN,
    ).order_by()
    retried = []
    for job in failed:
        made = attempts(job)
        if made >= settings.ECUAPASS_JOB_MAX_ATTEMPTS or job.finished_at + backoff(made) > now:
            continue
        if requeue(job, now=now):
            retried.append(str(job.pk))
    if retried:
        logger.warning(
            "jobs: retrying %d jobs after a transient failure: %s", len(retried), retried
        )
    return retried


def recover(now: datetime | None = None) -> dict[str, list]:
    """The whole recovery, in order; returns what each step requeued."""
    now = now or timezone.now()
    report: dict[str, list] = {
        "orphans": requeue_orphans(now),
        "retried": retry_transient_failures(now),
    }
    for path in settings.ECUAPASS_JOB_RECOVERY_HOOKS:
        report[path] = import_string(path)(now=now)
    WorkerHeartbeat.objects.filter(seen_on__lt=now - FORGET_WORKERS_AFTER).delete()
    return report


# --- health ---------------------------------------------------------------------
def oldest_ready_since(now: datetime) -> datetime | None:
    """When the longest-waiting runnable job became ready (its requeue or deferral time, else
    its enqueueing)."""
    ready = DBTaskResult.objects.filter(status=READY).order_by()
    never_deferred = get_date_max()
    candidates = [
        ready.filter(run_after=never_deferred).aggregate(m=Min("enqueued_at"))["m"],
        ready.filter(run_after__lte=now).aggregate(m=Min("run_after"))["m"],
    ]
    candidates = [c for c in candidates if c is not None]
    return min(candidates) if candidates else None


def health(now: datetime | None = None) -> dict:
    """The queue and its workers, for /healthz: ``status`` is "ok" or "degraded" with the
    ``problems`` ("no_fresh_worker", "queue_ageing")."""
    now = now or timezone.now()
    counts = {
        row["status"]: row["n"]
        for row in DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by()
    }
    since = oldest_ready_since(now)
    oldest = max((now - since).total_seconds(), 0.0) if since else 0.0
    max_age = settings.ECUAPASS_QUEUE_MAX_AGE_SECONDS
    beats = WorkerHeartbeat.objects.filter(
        stopped_on__isnull=True, seen_on__gte=now - LIST_WORKERS_SEEN_WITHIN
    ).order_by("-seen_on")
    workers = [
        {
            "worker": beat.worker,
            "fresh": not is_dead(beat, now),
            "seconds_since_seen": round(max((now - beat.seen_on).total_seconds(), 0.0), 1),
            "busy": bool(beat.job),
        }
        for beat in beats
    ]
    fresh = sum(1 for w in workers if w["fresh"])
    problems = []
    if not fresh:
        problems.append("no_fresh_worker")
    if oldest > max_age:
        problems.append("queue_ageing")
    last = WorkerHeartbeat.objects.order_by("-seen_on").values_list("seen_on", flat=True).first()
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "queue": {
            "ready": counts.get(READY, 0),
            "running": counts.get(RUNNING, 0),
            "failed": counts.get(FAILED, 0),
            "successful": counts.get(SUCCESSFUL, 0),
            "oldest_ready_seconds": round(oldest, 1),
            "max_age_seconds": max_age,
            "last_worker_heartbeat": last.isoformat() if last else None,
        },
        "workers": {
            "fresh": fresh,
            "stale": len(workers) - fresh,
            "stale_after_seconds": settings.ECUAPASS_WORKER_STALE_SECONDS,
            "list": workers,
        },
    }

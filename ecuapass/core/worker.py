"""``manage.py run_worker``: django-tasks-db's worker, made to survive the database.

* ``db_worker``'s loop runs inside a guard: when the database drops or refuses the connection
  (``OperationalError``/``InterfaceError``) the worker closes its connections, waits (0.5 s
  doubling up to 30 s) and goes on instead of exiting. Once the database answers again, the
  job it was running when the connection broke goes back to the queue.
* A thread keeps the worker's ``WorkerHeartbeat`` row fresh every
  ``ECUAPASS_WORKER_HEARTBEAT_SECONDS`` (host, pid, queues, the job in hand), marks it stopped
  on a clean exit, and runs ``core.jobs.recover()`` every ``ECUAPASS_WORKER_RECOVERY_SECONDS``:
  other workers' orphaned jobs, transient failures, stalled documents.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import jobs
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0


class ResilientWorker(Worker):
    def __init__(self, **options):
        super().__init__(**options)
        self.current_job = ""
        self.heart = Heart(self)

    def run(self) -> None:
        self.heart.start()
        delay = BACKOFF_FIRST
        try:
            while self.running:
                try:
                    self.release_abandoned()
                    delay = BACKOFF_FIRST
                    super().run()
                    return
                except jobs.DATABASE_UNAVAILABLE as exc:
                    connections.close_all()
                    logger.warning(
                        "worker %s: database unavailable (%s: %s); retrying in %.1f s",
                        self.worker_id,
                        exc.__class__.__name__,
                        str(exc).strip()[:200],
                        delay,
                    )
                    time.sleep(delay)
                    delay = min(delay * 2, BACKOFF_MAX)
                    self.startup_delay = False
        finally:
            self.heart.stop()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current_job = str(db_task_result.pk)
        try:
            super().run_task(db_task_result)
        finally:
            self.current_job = ""

    def release_abandoned(self) -> list[str]:
        """Jobs claimed under this worker's id that it is not running — the connection broke
        under them, or a previous process with this id died — go back to the queue."""
        now = timezone.now()
        released = [
            str(job.pk)
            for job in DBTaskResult.objects.filter(status=jobs.RUNNING).order_by()
            if jobs.claimant(job) == self.worker_id
            and jobs.give_back(job, now=now, worker=self.worker_id)
        ]
        if released:
            logger.warning("worker %s: requeued its abandoned jobs %s", self.worker_id, released)
        return released


class Heart:
    """The heartbeat thread (its own database connection) and the periodic recovery."""

    def __init__(self, worker: ResilientWorker):
        self.worker = worker
        self.host = socket.gethostname()[:255]
        self.pid = os.getpid()
        self.started_on = timezone.now()
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=self._run, name=f"heartbeat-{worker.worker_id}", daemon=True
        )
        # Since when the database has answered every beat (monotonic), None after a failure.
        self.in_contact_since: float | None = None

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout=10)

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker=self.worker.worker_id,
            defaults={
                "host": self.host,
                "pid": self.pid,
                "queues": ",".join(self.worker.queue_names)[:255],
                "started_on": self.started_on,
                "seen_on": timezone.now(),
                "stopped_on": None,
                "job": self.worker.current_job,
            },
        )

    def _run(self) -> None:
        interval = settings.ECUAPASS_WORKER_HEARTBEAT_SECONDS
        next_recovery = 0.0
        try:
            while True:
                try:
                    self.beat()
                    now = time.monotonic()
                    if self.in_contact_since is None:
                        self.in_contact_since = now
                    # Judge other workers only after a stale period of unbroken contact:
                    # right after an outage every heartbeat, this one's too, is old.
                    settled = now - self.in_contact_since >= settings.ECUAPASS_WORKER_STALE_SECONDS
                    if settled and now >= next_recovery:
                        jobs.recover()
                        next_recovery = now + settings.ECUAPASS_WORKER_RECOVERY_SECONDS
                except jobs.DATABASE_UNAVAILABLE as exc:
                    self.in_contact_since = None
                    connections.close_all()
                    logger.warning(
                        "worker %s: heartbeat failed (%s: %s)",
                        self.worker.worker_id,
                        exc.__class__.__name__,
                        str(exc).strip()[:200],
                    )
                except Exception:
                    logger.exception("worker %s: recovery failed", self.worker.worker_id)
                if self.stopping.wait(interval):
                    return
        finally:
            self._mark_stopped()
            connections.close_all()

    def _mark_stopped(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(worker=self.worker.worker_id).update(
                stopped_on=timezone.now(), job=""
            )
        except jobs.DATABASE_UNAVAILABLE:
            pass  # its heartbeat goes stale instead

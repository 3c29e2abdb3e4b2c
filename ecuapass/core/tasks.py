"""Background tasks of the core context."""

import socket

from django_tasks import task

from .models import WorkerHeartbeat


@task()
def heartbeat(worker: str = "") -> int:
    """Record that a worker ran a job; /healthz and the worker test read it."""
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker=worker or socket.gethostname(), defaults={}
    )
    return beat.pk

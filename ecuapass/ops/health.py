"""Readiness checks on django-health-check's ``HealthCheck`` (the maintained library): its own
``Database`` check (``SELECT 1``), and the queue's two of ours — a worker whose heartbeat is
fresh, the oldest ready job younger than ``QUEUE_MAX_AGE_SECONDS`` (``core.jobs``).

Run in the request's thread, one after the other (the library's view would run them in an
executor; here they share the request's database connection)."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from ecuapass.core import jobs
from ecuapass.core.models import WorkerHeartbeat


@dataclasses.dataclass
class WorkersFresh(HealthCheck):
    def run(self):
        now = timezone.now()
        fresh = WorkerHeartbeat.objects.filter(
            stopped_on__isnull=True, seen_on__gte=jobs.stale_before(now)
        )
        if not fresh.exists():
            raise ServiceUnavailable("no_fresh_worker")


@dataclasses.dataclass
class QueueAge(HealthCheck):
    def run(self):
        now = timezone.now()
        since = jobs.oldest_ready_since(now)
        if since and (now - since).total_seconds() > settings.ECUAPASS_QUEUE_MAX_AGE_SECONDS:
            raise ServiceUnavailable("queue_ageing")


READINESS = (("database", Database()), ("workers", WorkersFresh()), ("queue_age", QueueAge()))


def readiness() -> dict[str, str]:
    """Each check's "ok" or its message; the queue's checks only once the database answered."""
    results: dict[str, str] = {}
    for name, check in READINESS:
        try:
            check.run()
        except HealthCheckException as exc:
            results[name] = exc.message
            if name == "database":
                break
        else:
            results[name] = "ok"
    return results

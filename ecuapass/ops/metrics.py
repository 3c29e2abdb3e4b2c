"""Prometheus metrics (prometheus-client).

Per process, kept by the request middleware:

* ``ecuapass_http_requests_total{view,method,status}`` and
  ``ecuapass_http_request_duration_seconds{view,method}`` (histogram: latency by view).

Read from the database when ``/metrics`` is scraped (the same for every node; scrape one):

* ``ecuapass_jobs{queue,status}`` — queue depth; ``ecuapass_job_oldest_ready_seconds`` — the
  age of the oldest ready job; ``ecuapass_workers_fresh`` — workers whose heartbeat is fresh;
* ``ecuapass_documents{tipo,estado}`` — documents by state;
* ``ecuapass_envios_total`` — submissions received (the envío's id, a sequence):
  ``rate(ecuapass_envios_total[1m])`` is submissions per second;
* ``ecuapass_database_up`` — 0 when the database did not answer the scrape;
* with a read replica (``ops.replica``): ``ecuapass_replica_up`` and
  ``ecuapass_replica_lag_seconds`` — alert above the 10 s accepted (docs/deploy.md).

Under gunicorn every node runs several processes: with ``PROMETHEUS_MULTIPROC_DIR`` set (the
cluster and the systemd units set it, one empty folder per node) the per-process metrics of
all of a node's processes are summed by prometheus-client's multiprocess collector.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter("ecuapass_http_requests", "HTTP requests answered", ["view", "method", "status"])
LATENCY = Histogram(
    "ecuapass_http_request_duration_seconds",
    "Time to answer a request, by view",
    ["view", "method"],
    buckets=BUCKETS,
)


_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"})
# The labelled series of each (view, method, status) seen by this process: prometheus-client's
# ``labels()`` validates and looks them up under a lock on every call. Bounded by the views
# (named routes and "unmatched"), the methods above and the status codes.
_series: dict = {}


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "OTHER"
    series = _series.get((view, method, status))
    if series is None:
        series = _series[(view, method, status)] = (
            REQUESTS.labels(view, method, str(status)),
            LATENCY.labels(view, method),
        )
    series[0].inc()
    series[1].observe(seconds)


class DatabaseCollector(Collector):
    """Queue, workers, documents and submissions, read at scrape time."""

    def collect(self):
        from django.db import DatabaseError
        from django.db.models import Count, Max
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from ecuapass.core import jobs
        from ecuapass.core.models import WorkerHeartbeat
        from ecuapass.edocs.models import EDocument, Envio

        up = GaugeMetricFamily("ecuapass_database_up", "The database answered this scrape")
        try:
            now = timezone.now()
            depth = GaugeMetricFamily(
                "ecuapass_jobs", "Jobs by queue and status", labels=["queue", "status"]
            )
            for row in (
                DBTaskResult.objects.values("queue_name", "status")
                .annotate(n=Count("id"))
                .order_by()
            ):
                depth.add_metric([row["queue_name"], row["status"]], row["n"])
            since = jobs.oldest_ready_since(now)
            age = GaugeMetricFamily(
                "ecuapass_job_oldest_ready_seconds", "Age of the oldest job ready to run"
            )
            age.add_metric([], max((now - since).total_seconds(), 0.0) if since else 0.0)
            fresh = GaugeMetricFamily("ecuapass_workers_fresh", "Workers with a fresh heartbeat")
            fresh.add_metric(
                [],
                WorkerHeartbeat.objects.filter(
                    stopped_on__isnull=True, seen_on__gte=jobs.stale_before(now)
                ).count(),
            )
            documents = GaugeMetricFamily(
                "ecuapass_documents", "Documents by type and state", labels=["tipo", "estado"]
            )
            for row in (
                EDocument.objects.values("doc_type", "estado_documento")
                .annotate(n=Count("id"))
                .order_by()
            ):
                documents.add_metric([row["doc_type"], row["estado_documento"]], row["n"])
            envios = CounterMetricFamily("ecuapass_envios", "Submissions received (envíos)")
            envios.add_metric([], Envio.objects.aggregate(n=Max("pk"))["n"] or 0)
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield from (up, depth, age, fresh, documents, envios)


class ReplicaCollector(Collector):
    """The read replica answers, and how far behind it is (nothing without a replica)."""

    def collect(self):
        from django.db import DatabaseError

        from . import replica

        if not replica.replica_configured():
            return
        up = GaugeMetricFamily("ecuapass_replica_up", "The read replica answered this scrape")
        try:
            lag = replica.lag_seconds()
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        if lag is not None:
            gauge = GaugeMetricFamily(
                "ecuapass_replica_lag_seconds", "Seconds the read replica is behind the primary"
            )
            gauge.add_metric([], lag)
            yield gauge


def exposition() -> bytes:
    """The text exposition format of this process (or node) plus the database's figures."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(DatabaseCollector())
    registry.register(ReplicaCollector())
    return generate_latest(registry)

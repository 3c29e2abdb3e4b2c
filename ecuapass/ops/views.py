"""Liveness, readiness and metrics: the operations' endpoints (no login; see each view)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ecuapass.core import jobs

from . import health, metrics


@never_cache
@require_GET
def live(request):
    """Liveness: the process answers (no database). HAProxy's health check: a node is taken out
    only when it cannot serve at all, never because the database or the queue is in trouble —
    then every node answers the API's JSON 503 itself."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    """Readiness (``ops.health``, django-health-check): the database answers, a worker's
    heartbeat is fresh and the oldest ready job is younger than QUEUE_MAX_AGE_SECONDS.
    200 or 503, JSON, with the queue's figures (``core.jobs.health``)."""
    checks = health.readiness()
    if checks["database"] != "ok":
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    try:
        report = jobs.health()
    except DatabaseError as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    healthy = all(value == "ok" for value in checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "checks": checks,
        "queue": report["queue"],
        "workers": {k: v for k, v in report["workers"].items() if k != "list"},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def estado_servicio(request):
    """The footer's "Estado del servicio": whether the portal and the processing are up and how
    long the queue is, for people (the JSON is /healthz/ready). Renders without the database."""
    context = {"portal_ok": False, "processing_ok": False, "queue_length": 0, "oldest_seconds": 0}
    try:
        report = jobs.health()
    except DatabaseError:
        status = 503
    else:
        status = 200
        context.update(
            portal_ok=True,
            processing_ok=report["status"] == "ok",
            queue_length=report["queue"]["ready"] + report["queue"]["running"],
            oldest_seconds=int(report["queue"]["oldest_ready_seconds"]),
        )
    context["checked_at"] = date_format(timezone.localtime(), "DATETIME_FORMAT")
    return render(request, "ops/estado.html", context, status=status)


def _networks() -> list:
    return [ipaddress.ip_network(item, strict=False) for item in settings.METRICS_ALLOWED_NETWORKS]


def metrics_allowed(request) -> bool:
    """A scrape is allowed with ``Authorization: Bearer <METRICS_TOKEN>``, or straight from an
    address of METRICS_ALLOWED_NETWORKS (default loopback) — not through the proxy: a request
    HAProxy forwarded carries X-Forwarded-For and comes from the public side (HAProxy also
    refuses /metrics at the edge)."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:], token):
        return True
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in _networks())


@never_cache
@require_GET
def metrics_view(request):
    if not metrics_allowed(request):
        return JsonResponse({"error": "permission_denied", "detail": "Acceso denegado"}, status=403)
    return HttpResponse(
        metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8"
    )

"""Health check and the error pages of the frame."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """Database and queue status as JSON; 503 when the database is unreachable."""
    status = {"database": "ok", "queue": {}}
    code = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        status["database"] = f"error: {exc.__class__.__name__}"
        return JsonResponse({"status": "error", **status}, status=503)

    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    counts = {
        row["status"]: row["n"]
        for row in DBTaskResult.objects.values("status").annotate(n=_count()).order_by()
    }
    last = WorkerHeartbeat.objects.order_by("-seen_on").values_list("seen_on", flat=True).first()
    status["queue"] = {
        "ready": counts.get("READY", 0),
        "running": counts.get("RUNNING", 0),
        "failed": counts.get("FAILED", 0),
        "successful": counts.get("SUCCESSFUL", 0),
        "last_worker_heartbeat": last.isoformat() if last else None,
        "worker_recent": bool(last and timezone.now() - last < timedelta(minutes=5)),
    }
    return JsonResponse({"status": "ok", **status}, status=code)


def _count():
    from django.db.models import Count

    return Count("id")


def _api_error(request, status: int, code: str, detail: str):
    """Under /api/ the error is the API's machine-readable JSON, not the portal's HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": code, "detail": detail}, status=status)
    return None


def error_403(request, exception=None):
    return _api_error(request, 403, "permission_denied", gettext("Acceso denegado")) or render(
        request, "errors/403.html", {"exception": exception}, status=403
    )


def error_404(request, exception=None):
    return _api_error(request, 404, "not_found", gettext("Página no encontrada")) or render(
        request, "errors/404.html", status=404
    )


def error_500(request):
    return _api_error(request, 500, "server_error", gettext("Error del sistema")) or (
        render(request, "errors/500.html", status=500)
    )


def error_400(request, exception=None):
    return _api_error(request, 400, "bad_request", gettext("Solicitud incorrecta")) or render(
        request, "errors/400.html", status=400
    )

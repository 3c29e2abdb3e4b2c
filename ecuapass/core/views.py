"""Health check and the error pages of the frame."""

from __future__ import annotations

import sys

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import jobs


@never_cache
@require_GET
def healthz(request):
    """Database, queue and workers as JSON (``core.jobs.health``).

    200 "ok"; 503 "degraded" when no worker is fresh or the queue is ageing; 503 "error" when
    the database is unreachable.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report = jobs.health()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "error", "database": f"error: {exc.__class__.__name__}"}, status=503
        )
    return JsonResponse(
        {"database": "ok", **report}, status=200 if report["status"] == "ok" else 503
    )


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
    """500, or 503 when the database is unavailable (Django calls this handler while the
    exception is being handled, so it is ``sys.exc_info()``)."""
    if isinstance(sys.exc_info()[1], jobs.DATABASE_UNAVAILABLE):
        return error_503(request)
    return _api_error(request, 500, "server_error", gettext("Error del sistema")) or (
        render(request, "errors/500.html", status=500)
    )


# Seconds a client should wait before trying again while the database is unavailable.
RETRY_AFTER_SECONDS = 30


def error_503(request):
    """The database is down or restarting. The page is rendered without the request's context:
    the frame would query the database (user, menus, buzón) and fail again."""
    detail = gettext("Servicio no disponible temporalmente. Intente nuevamente en unos minutos.")
    response = _api_error(request, 503, "service_unavailable", detail) or HttpResponse(
        render_to_string("errors/503.html", {"detail": detail}), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def error_400(request, exception=None):
    return _api_error(request, 400, "bad_request", gettext("Solicitud incorrecta")) or render(
        request, "errors/400.html", status=400
    )

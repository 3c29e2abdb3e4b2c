"""The request id and the request's metrics.

First in ``MIDDLEWARE``: every request, whatever answers it, is timed by its view's name
(``resolver_match.view_name``, bounded; "unmatched" for 404s) and gets a request id — the one
HAProxy set in ``X-Request-ID`` when it looks like one, a new one otherwise — returned in the
response's ``X-Request-ID`` and carried by every log line of the request (``ops.jsonlog``).
"""

from __future__ import annotations

import re
import time
import uuid

from . import context, metrics

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_of(request) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")  # request.headers would be built for it
    return given if _VALID_ID.match(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = context.request_id.set(request.request_id)
        reads = context.request_reads.set({})
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
            context.request_reads.reset(reads)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unmatched"
        metrics.observe_request(
            view, request.method, response.status_code, time.perf_counter() - started
        )
        response["X-Request-ID"] = request.request_id
        return response

"""What the current log line belongs to: the request id (web) or the job (worker)."""

from __future__ import annotations

import contextvars
import os

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
job_id: contextvars.ContextVar[str] = contextvars.ContextVar("job_id", default="")
# Cache values read early in this request for later use in it (a dict set by RequestIdMiddleware
# for the request's duration; None outside a request): the API's token read fetches the tariff's
# version in its own get_many (``tariff.version.current`` takes it from here).
request_reads: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "request_reads", default=None
)

NODE = os.environ.get("ECUAPASS_NODE", "")

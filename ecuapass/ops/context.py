"""What the current log line belongs to: the request id (web) or the job (worker)."""

from __future__ import annotations

import contextvars
import os

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
job_id: contextvars.ContextVar[str] = contextvars.ContextVar("job_id", default="")

NODE = os.environ.get("ECUAPASS_NODE", "")

"""Structured logs: one JSON object per line, with the request id (or the job id in a worker)
and the node, so a submission can be followed from the API into the worker.

``LOG_FORMAT=json`` (production settings; ``make cluster``) selects :class:`JsonFormatter`.
The web request's line ``job_enqueued`` carries both the request id and the job id; the
worker's lines carry the job id (``django_tasks``' "Task id=… state=…" and everything the task
logs), so ``grep <job_id>`` follows the document from the request to its outcome.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from . import context

# Attributes every LogRecord has; anything else was passed in ``extra=`` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# json.dumps(…, ensure_ascii=False) builds a new encoder for every call (only the all-defaults
# call reuses one): the same encoder made once (stateless, safe across threads).
_ENCODER = json.JSONEncoder(ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if context.NODE:
            entry["node"] = context.NODE
        request_id = context.request_id.get()
        if request_id:
            entry["request_id"] = request_id
        job_id = context.job_id.get()
        if job_id:
            entry["job_id"] = job_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(entry)

"""Jobs in the logs and in Sentry.

* ``task_enqueued``: the web process logs ``job_enqueued`` with the job id — its line also
  carries the request id, which is how a submission is followed into the worker.
* ``task_started`` / ``task_finished``: the worker's log lines while it runs a job carry the
  job id (``context.job_id``).
* ``SENTRY_DSN`` set: errors go to Sentry (web and worker), with the request id as a tag.
"""

from __future__ import annotations

import logging
import os

from django_tasks.signals import task_enqueued, task_finished, task_started

from . import context

logger = logging.getLogger("ecuapass.ops")


def _enqueued(sender, task_result, **kwargs):
    logger.info(
        "job_enqueued",
        extra={
            "event": "job_enqueued",
            "job": str(task_result.id),
            "task": task_result.task.name,
            "queue": task_result.task.queue_name,
        },
    )


def _started(sender, task_result, **kwargs):
    context.job_id.set(str(task_result.id))


def _finished(sender, task_result, **kwargs):
    context.job_id.set("")


def connect_signals() -> None:
    task_enqueued.connect(_enqueued, dispatch_uid="ops.enqueued")
    task_started.connect(_started, dispatch_uid="ops.started")
    task_finished.connect(_finished, dispatch_uid="ops.finished")


def init_sentry() -> bool:
    dsn = os.environ.get("SENTRY_DSN", "")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )
    return True

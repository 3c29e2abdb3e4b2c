"""Jobs in the logs and in Sentry.

* ``task_enqueued``: the web process logs ``job_enqueued`` with the job id — its line also
  carries the request id, which is how a submission is followed into the worker.
* ``task_started`` / ``task_finished``: the worker's log lines while it runs a job carry the
  job id (``context.job_id``) and, when the cache is Redis, the request id of the request that
  enqueued it (kept a day under ``rid:<job>``, written when the job's transaction commits;
  jobs enqueued by that job inherit it), so one
  ``grep <request id>`` follows a submission from the API through its processing and notices.
* audit (logger ``ecuapass.audit``, INFO whatever ``LOG_LEVEL``): every status change of a
  document saved through the ORM (``edocs.StatusChange``), every change made in the back office
  (``admin.LogEntry``; rows written by ``bulk_create`` — a document's batch, the admin's
  deletion of several rows at once — are not announced), every sign-in and every failed
  sign-in or second-factor code (the ID Usuario, never the password) is also a line in the log
  stream, so the audit trail is shipped with the structured logs; the database rows stay the
  record.
* ``SENTRY_DSN`` set: errors go to Sentry (web and worker), with the request id as a tag.
"""

from __future__ import annotations

import logging

from django_tasks.signals import task_enqueued, task_finished, task_started

from . import context

logger = logging.getLogger("ecuapass.ops")


TRACE_TTL = 24 * 3600


def _trace_cache():
    """Redis only: one SET per job is nothing there, a row per job in the database cache is not."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    return cache if isinstance(cache, RedisCache) else None


def _enqueued(sender, task_result, **kwargs):
    request_id = context.request_id.get()
    cache = _trace_cache() if request_id else None
    if cache is not None:  # with the transaction's other cache writes, once it commits
        from .cache import set_after_commit

        set_after_commit({f"rid:{task_result.id}": request_id}, TRACE_TTL, cache=cache)
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
    cache = _trace_cache()
    context.request_id.set((cache.get(f"rid:{task_result.id}") if cache is not None else "") or "")


def _finished(sender, task_result, **kwargs):
    context.job_id.set("")
    context.request_id.set("")


audit_logger = logging.getLogger("ecuapass.audit")


def _status_changed(sender, instance, created, **kwargs):
    if not created:
        return
    audit_logger.info(
        "status_change",
        extra={
            "event": "status_change",
            "document": instance.document_id,
            "field": instance.field,
            "transition": instance.transition,
            "from_state": instance.from_state,
            "to_state": instance.to_state,
            "by_user": instance.by_user_id or "",
            "by_process": instance.by_process,
            "by_role": instance.by_role,
        },
    )


def _admin_change(sender, instance, created, **kwargs):
    if not created:
        return
    from django.contrib.contenttypes.models import ContentType

    model = (
        ContentType.objects.get_for_id(instance.content_type_id)
        if instance.content_type_id
        else None
    )
    audit_logger.info(
        "admin_change",
        extra={
            "event": "admin_change",
            "user": instance.user_id,
            "action": {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, ""),
            "model": f"{model.app_label}.{model.model}" if model else "",
            "object": str(instance.object_id or ""),
        },
    )


def _logged_in(sender, request, user, **kwargs):
    audit_logger.info("login", extra={"event": "login", "user": user.pk})


def _login_failed(sender, credentials, request=None, **kwargs):
    audit_logger.info(
        "login_failed",
        extra={"event": "login_failed", "username": str(credentials.get("username", ""))[:80]},
    )


def connect_signals() -> None:
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.db.models.signals import post_save

    post_save.connect(_status_changed, sender="edocs.StatusChange", dispatch_uid="ops.audit")
    post_save.connect(_admin_change, sender="admin.LogEntry", dispatch_uid="ops.audit_admin")
    user_logged_in.connect(_logged_in, dispatch_uid="ops.login")
    user_login_failed.connect(_login_failed, dispatch_uid="ops.login_failed")
    task_enqueued.connect(_enqueued, dispatch_uid="ops.enqueued")
    task_started.connect(_started, dispatch_uid="ops.started")
    task_finished.connect(_finished, dispatch_uid="ops.finished")


def init_sentry() -> bool:
    from django.conf import settings

    dsn = settings.SENTRY_DSN
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=settings.SENTRY_ENVIRONMENT,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
    )
    return True

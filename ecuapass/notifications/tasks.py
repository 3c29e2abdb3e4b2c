"""Background work of the buzón: the e-mail copy of each notice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

MAILER_BATCH = 50


@task(queue_name="notifications")
def send_notification_email(notification_id: int) -> int:
    """E-mail a notice to its recipients; returns how many addresses it went to.

    The job is also a mailer loop: in the same run it sends up to ``MAILER_BATCH`` other
    unsent notices whose jobs wait in the queue and marks those jobs done (``_send_waiting``),
    so a burst of notices costs a few job runs, not one each.

    Idempotent: a notice already e-mailed is not sent again if the job reruns.
    """
    sent = _send(notification_id)
    _send_waiting(notification_id)
    return sent


def _send_waiting(notification_id: int) -> None:
    """Send the notices whose jobs are ready, those jobs' rows locked (``SKIP LOCKED``: no
    worker can claim them meanwhile) and marked done in the same transaction. A failure
    rolls back the marks: the jobs run on their own (at least once, as before)."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from ecuapass.core import jobs

    from .models import Notification

    waiting = list(
        Notification.objects.filter(emailed_on__isnull=True)
        .exclude(pk=notification_id)
        .order_by("-pk")
        .values_list("pk", flat=True)[: MAILER_BATCH * 2]
    )
    if not waiting:
        return
    with transaction.atomic():
        claimed = list(
            DBTaskResult.objects.ready()
            .filter(task_path=send_notification_email.module_path, args_kwargs__args__0__in=waiting)
            .select_for_update(skip_locked=True)[:MAILER_BATCH]
        )
        now = timezone.now()
        for job in claimed:
            count = _send(job.args_kwargs["args"][0])
            DBTaskResult.objects.filter(pk=job.pk).update(
                status=jobs.SUCCESSFUL, started_at=now, finished_at=now, return_value=count
            )


def _send(notification_id: int) -> int:
    from .models import Notification
    from .services import recipients_of

    notice = (
        Notification.objects.select_related("user", "oce_code__registration")
        .filter(pk=notification_id)
        .first()
    )
    if notice is None or notice.emailed_on is not None:
        return 0
    to = recipients_of(notice)
    if to:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("notifications/email.txt", {"notice": notice})
        message = EmailMessage(
            subject=notice.subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, bcc=to
        )
        for attachment in notice.attachments.all():
            with attachment.file.open("rb") as fh:
                message.attach(attachment.name, fh.read(), attachment.content_type)
        message.send()
    Notification.objects.filter(pk=notice.pk).update(emailed_on=timezone.now())
    return len(to)

"""Background work of the buzón: the e-mail copy of each notice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task


@task(queue_name="notifications")
def send_notification_email(notification_id: int) -> int:
    """E-mail a notice to its recipients; returns how many addresses it went to.

    Idempotent: a notice already e-mailed is not sent again if the job reruns.
    """
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

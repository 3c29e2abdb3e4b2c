"""Background work of the buzón: the e-mail copies of the notices (one mailer loop)."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

MAILER_BATCH = 50
_this_round = threading.local()


@task(queue_name="notifications")
def send_notification_email(notification_id: int) -> int:
    """The mailer loop: e-mail the notice, then every notice whose e-mail is due
    (``send_due``); returns how many addresses the notice itself went to.

    ``notify`` enqueues one such job per transaction (``services._mailer_due``), so a batch of
    documents writing 150 notices costs one job. Exactly once: a notice is locked while it is
    sent (``SKIP LOCKED``: two mailers never take the same one) and marked sent in the same
    transaction; a job that reruns finds nothing due. A worker killed after handing a message
    to the mail server and before its commit sends that chunk again on the retry (e-mail
    cannot be both sent and recorded atomically); nothing is ever lost.
    """
    sent = _send(notification_id)
    send_due()
    return sent


def send_due(*, rounds: int = 20) -> int:
    """Send the due notices, ``MAILER_BATCH`` per transaction, oldest first; how many."""
    from django.db import transaction

    from .models import Notification

    total = 0
    for _round in range(rounds):
        failure: Exception | None = None
        with transaction.atomic():
            notices = list(
                Notification.objects.filter(email_due=True)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("user", "oce_code__registration")
                .prefetch_related("attachments")[:MAILER_BATCH]
            )
            if not notices:
                break
            sent = []
            _this_round.addresses = {}  # an OCE mailbox's addresses, read once per round
            try:
                for notice in notices:
                    try:
                        _deliver(notice)
                    except Exception as exc:  # noqa: BLE001 - record what went out, then fail
                        failure = exc
                        break
                    sent.append(notice.pk)
            finally:
                _this_round.addresses = None
            if sent:
                Notification.objects.filter(pk__in=sent).update(
                    email_due=False, emailed_on=timezone.now()
                )
        total += len(sent)
        if failure is not None:
            raise failure  # the job fails; core.jobs retries it (the rest stays due)
        if len(notices) < MAILER_BATCH:
            break
    return total


def _send(notification_id: int) -> int:
    """E-mail one notice unless already sent (row locked while it is sent)."""
    from django.db import transaction

    from .models import Notification

    with transaction.atomic():
        notice = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "oce_code__registration")
            .filter(pk=notification_id)
            .first()
        )
        if notice is None or notice.emailed_on is not None:
            return 0
        count = _deliver(notice)
        Notification.objects.filter(pk=notice.pk).update(email_due=False, emailed_on=timezone.now())
    return count


def _deliver(notice) -> int:
    """Hand the notice's e-mail to the mail server; how many addresses.

    In a round of ``send_due`` an OCE mailbox's addresses are read once for the round."""
    from .services import recipients_of

    addresses = getattr(_this_round, "addresses", None)
    if addresses is not None and not notice.user_id and notice.oce_code_id:
        if notice.oce_code_id not in addresses:
            addresses[notice.oce_code_id] = recipients_of(notice)
        to = list(addresses[notice.oce_code_id])
    else:
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
    return len(to)

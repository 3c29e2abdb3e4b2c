"""Background work of the buzón: the e-mail copies of the notices (one mailer loop)."""

from __future__ import annotations

from email.policy import Compat32

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from ecuapass.core import formatting

MAILER_BATCH = 50
# What a round reads of a notice and of its mailbox: the e-mail's text and its recipients.
_EMAIL_FIELDS = (
    "sender",
    "subject",
    "body",
    "message",
    "created_on",
    "related_url",
    "related_label",
    "user__email",
    "user__is_active",
    "oce_code__code",
    "related_type",
    "related_id",
)
# Between the copies of one document's notices in one e-mail (``by_document``).
_BETWEEN = "\n* * *\n\n"


@task(queue_name="notifications")
def send_notification_email(notification_id: int) -> int:
    """The mailer loop: e-mail every notice whose e-mail is due (``send_due``), the job's own
    among them; returns how many addresses the notice itself went to (0 when an earlier run
    or another mailer sent it).

    ``notify`` enqueues one such job per transaction (``services._mailer_due``), so a batch of
    documents writing 150 notices costs one job — none when a mailer job still waits in the
    queue: that one sends them. Exactly once: a notice is locked while it is
    sent (``SKIP LOCKED``: two mailers never take the same one) and marked sent in the same
    transaction; a job that reruns finds nothing due. A worker killed after handing a message
    to the mail server and before its commit sends that chunk again on the retry (e-mail
    cannot be both sent and recorded atomically); nothing is ever lost.
    """
    return _send_due().get(notification_id, 0)


def send_due(*, rounds: int = 20) -> int:
    """Send the due notices, ``MAILER_BATCH`` per transaction, oldest first; how many."""
    return len(_send_due(rounds=rounds))


def _send_due(*, rounds: int = 20) -> dict[int, int]:
    """The notices sent (id → how many addresses), ``MAILER_BATCH`` per transaction."""
    from django.db import transaction
    from django.db.models import prefetch_related_objects

    from .models import Notification, NotificationAttachment

    sent: dict[int, int] = {}
    for _round in range(rounds):
        with transaction.atomic():
            notices = list(
                Notification.objects.filter(email_due=True)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("user", "oce_code")
                .only(*_EMAIL_FIELDS)
                .annotate(
                    has_attachments=models.Exists(
                        NotificationAttachment.objects.filter(notification=models.OuterRef("pk"))
                    )
                )[:MAILER_BATCH]
            )
            if not notices:
                break
            prefetch_related_objects([n for n in notices if n.has_attachments], "attachments")
            done, failure = _Round(notices).send()
            if done:
                Notification.objects.filter(pk__in=done).update(
                    email_due=False, emailed_on=timezone.now()
                )
        sent.update(done)
        if failure is not None:
            raise failure  # the job fails; core.jobs retries it (the rest stays due)
        if len(notices) < MAILER_BATCH:
            break
    return sent


class _Round:
    """One round's e-mails: in Spanish (``LANGUAGE_CODE``, one switch for the round), over one
    connection to the mail server, the addresses of all its OCE mailboxes read at once."""

    def __init__(self, notices):
        self.notices = notices
        self.addresses: dict[int, list[str]] | None = None
        self.connection = None

    def send(self) -> tuple[dict[int, int], Exception | None]:
        """Hand the round's e-mails (``by_document``) to the mail server in order, up to the
        first failure: (the notices that went out → how many addresses, the failure or None)."""
        done: dict[int, int] = {}
        with translation.override(settings.LANGUAGE_CODE):
            self.labels = _labels()
            try:
                for notices in by_document(self.notices):
                    try:
                        sent = self.deliver(notices)
                    except Exception as exc:  # noqa: BLE001 - record what went out, then fail
                        return done, exc
                    done.update(dict.fromkeys((n.pk for n in notices), sent))
            finally:
                if self.connection is not None:
                    self.connection.close()
        return done, None

    def deliver(self, notices: list) -> int:
        """Hand the e-mail copying ``notices`` (one mailbox's) to the mail server; how many
        addresses."""
        first = notices[0]
        to = self.recipients(first)
        if not to:
            return 0
        if self.connection is None:
            connection = get_connection()
            connection.open()
            self.connection = connection
        subject = first.subject
        if len(notices) > 1:
            subject = gettext("%(subject)s (%(n)s avisos)") % {
                "subject": subject,
                "n": len(notices),
            }
        message = _Email(
            subject=subject,
            body=email_body(notices, self.labels),
            from_email=settings.DEFAULT_FROM_EMAIL,
            bcc=to,
            connection=self.connection,
        )
        for notice in notices:
            for attachment in notice.attachments.all() if notice.has_attachments else ():
                with attachment.file.open("rb") as fh:
                    message.attach(attachment.name, fh.read(), attachment.content_type)
        message.send()
        return len(to)

    def recipients(self, notice) -> list[str]:
        from .services import mailbox_addresses, recipients_of

        if notice.user_id or not notice.oce_code_id:
            return recipients_of(notice)
        if self.addresses is None:  # at the round's first OCE notice: all its mailboxes
            self.addresses = mailbox_addresses(
                n.oce_code_id for n in self.notices if not n.user_id and n.oce_code_id
            )
        return list(self.addresses[notice.oce_code_id])


class _FoldOnce(Compat32):
    """Django's policy (compat32) that folds a header once per process: the headers every
    e-mail repeats (From, the MIME ones, the Date within a second) are not folded again for
    each message. A header's folding depends only on its name, value and the policy's line
    settings, the key here: the same bytes."""

    _folded: dict[tuple, str] = {}

    def _fold(self, name, value, sanitize):
        if not isinstance(value, str):
            return super()._fold(name, value, sanitize)
        key = (name, value, sanitize, self.linesep, self.max_line_length)
        folded = self._folded.get(key)
        if folded is None:
            if len(self._folded) >= 1024:  # the unique ones (Message-ID, subjects) pass through
                self._folded.clear()
            folded = self._folded[key] = super()._fold(name, value, sanitize)
        return folded


_FOLD_ONCE = _FoldOnce()


class _Email(EmailMessage):
    def message(self):
        message = super().message()
        message.policy = _FOLD_ONCE  # also the attachments' (the generator uses the top's)
        return message


def _labels() -> dict[str, str]:
    """The e-mail's fixed texts in the active language."""
    return {
        "from": gettext("De"),
        "to": gettext("Destinatario"),
        "date": gettext("Fecha"),
        "subject": gettext("Asunto"),
        "reference": gettext("Referencia"),
        "footer": gettext(
            "Este mensaje es una copia del buzón de notificaciones electrónicas de ECUAPASS. "
            "Consulte el buzón para ver los adjuntos y el historial."
        ),
    }


def by_document(notices: list) -> list[list]:
    """A round's e-mails, in the order of their first notice: the notices about one document
    (``related``) to one mailbox together — a DAI's acceptance, canal and cierre written by one
    batch are one e-mail, not three (ADR 0023) — and every other notice alone."""
    emails: list[list] = []
    open_: dict[tuple, list] = {}
    for notice in notices:
        if not notice.related_id:
            emails.append([notice])
            continue
        key = (notice.user_id, notice.oce_code_id, notice.related_type_id, notice.related_id)
        same = open_.get(key)
        if same is None:
            same = open_[key] = []
            emails.append(same)
        same.append(notice)
    return emails


def email_body(notices: list, labels: dict[str, str] | None = None) -> str:
    """The text of the e-mail copying ``notices`` (one notice, or one mailbox's notices about
    one document, ``by_document``), in the active language (``labels``: ``_labels()``): each
    notice's text in order, then the footer once."""
    labels = labels or _labels()
    texts = _BETWEEN.join(_notice_text(notice, labels) for notice in notices)
    return f"{texts}\n--\n{labels['footer']}\n\n"


def _notice_text(notice, labels: dict[str, str]) -> str:
    reference = (
        f"\n{labels['reference']}: {notice.related_label} ({notice.related_url})\n"
        if notice.related_url
        else ""
    )
    return (
        f"{labels['from']}: {notice.sender}\n"
        f"{labels['to']}: {notice.recipient_label}\n"
        f"{labels['date']}: {formatting.fecha_hora(notice.created_on, seconds=True)}\n"
        f"{labels['subject']}: {notice.display_subject}\n"
        f"\n"
        f"{notice.display_body}\n"
        f"{reference}"
    )

"""The e-mails of the security codes (background, ADR 0002)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task


@task(queue_name="notifications")
def send_code_email(code_id: int, subject: str, body: str) -> int:
    """Send a code's e-mail once; a decoy code (no address: reset of an unknown user) sends nothing.

    Idempotent: the code row remembers it was sent (``sent_on``).
    """
    from .models import SecurityCode

    code = SecurityCode.objects.filter(pk=code_id).exclude(email="").first()
    if code is None or code.sent_on or code.used_on or code.expires_on <= timezone.now():
        return 0
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [code.email])
    SecurityCode.objects.filter(pk=code_id).update(sent_on=timezone.now())
    return 1


@task(queue_name="notifications")
def send_plain_email(to: str, subject: str, body: str) -> int:
    """An e-mail to someone who has no buzón yet (a solicitud's applicant before approval)."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    return 1

"""Issue 16 §1: one e-mail job also sends the other notices waiting, and marks their jobs done."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.accounts.tests.factories import company_with_codes
from ecuapass.core import jobs
from ecuapass.notifications.models import Notification
from ecuapass.notifications.services import notify
from ecuapass.notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db


def _job(notice):
    return DBTaskResult.objects.get(args_kwargs__args__0=notice.pk)


def test_one_job_sends_the_waiting_notices_once_and_skips_those_not_ready():
    _operator, rep, _codes = company_with_codes({"16": 1})
    notices = [
        notify(sender="SENAE", subject=f"Aviso {i}", body="x", category="otro", user=rep)
        for i in range(4)
    ]
    later = notices[3]
    DBTaskResult.objects.filter(pk=_job(later).pk).update(
        run_after=timezone.now() + timezone.timedelta(hours=1)
    )
    assert send_notification_email.call(notices[0].pk) == 1
    assert sorted(m.subject for m in mail.outbox) == ["Aviso 0", "Aviso 1", "Aviso 2"]
    for notice in notices[1:3]:
        assert _job(notice).status == jobs.SUCCESSFUL
        assert Notification.objects.get(pk=notice.pk).emailed_on is not None
    # A job backing off is not taken; its notice waits for it.
    assert _job(later).status == jobs.READY
    assert Notification.objects.get(pk=later.pk).emailed_on is None
    # Their own jobs, should they run anyway, send nothing twice.
    assert send_notification_email.call(notices[1].pk) == 0
    assert len(mail.outbox) == 3

"""Issue 16 §1: one mailer loop over the notices whose e-mail is due, not one job per notice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from ecuapass.accounts.tests.factories import company_with_codes
from ecuapass.notifications import tasks
from ecuapass.notifications.models import Notification
from ecuapass.notifications.services import notify
from ecuapass.notifications.tasks import send_due, send_notification_email


def _mailer_jobs():
    return DBTaskResult.objects.filter(task_path=send_notification_email.module_path)


def _notify(rep, subject):
    return notify(sender="SENAE", subject=subject, body="x", category="otro", user=rep)


@pytest.mark.django_db
def test_one_mailer_job_per_transaction_sends_every_due_notice_exactly_once():
    _operator, rep, _codes = company_with_codes({"16": 1})
    notices = [_notify(rep, f"Aviso {i}") for i in range(4)]
    assert _mailer_jobs().count() == 1  # four notices, one transaction: one job
    assert all(n.email_due for n in Notification.objects.filter(pk__in=[n.pk for n in notices]))
    job = _mailer_jobs().get()
    assert send_notification_email.call(*job.args_kwargs["args"]) == 1
    assert sorted(m.subject for m in mail.outbox) == [f"Aviso {i}" for i in range(4)]
    for notice in Notification.objects.filter(pk__in=[n.pk for n in notices]):
        assert notice.emailed_on is not None and not notice.email_due
    # The job rerun, another mailer's loop, a notice's own call: nothing is sent twice.
    assert send_notification_email.call(*job.args_kwargs["args"]) == 0
    assert send_due() == 0
    assert send_notification_email.call(notices[2].pk) == 0
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_a_failing_delivery_keeps_what_went_out_sent_and_the_rest_due(monkeypatch):
    _operator, rep, _codes = company_with_codes({"16": 1})
    notices = [_notify(rep, f"Aviso {i}") for i in range(3)]
    real = tasks._deliver

    def deliver(notice):
        if notice.subject == "Aviso 1":
            raise ConnectionRefusedError("mail server away")
        return real(notice)

    monkeypatch.setattr(tasks, "_deliver", deliver)
    with pytest.raises(ConnectionRefusedError):
        send_due()  # the job fails: core.jobs retries it
    assert [m.subject for m in mail.outbox] == ["Aviso 0"]
    due = set(Notification.objects.filter(email_due=True).values_list("subject", flat=True))
    assert due == {"Aviso 1", "Aviso 2"}
    monkeypatch.setattr(tasks, "_deliver", real)
    assert send_due() == 2  # the retry sends the rest, Aviso 0 not again
    assert sorted(m.subject for m in mail.outbox) == ["Aviso 0", "Aviso 1", "Aviso 2"]
    assert notices


@pytest.mark.django_db
def test_a_notice_rolled_back_with_its_savepoint_takes_its_job_along_only_if_it_enqueued_it():
    _operator, rep, _codes = company_with_codes({"16": 1})
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(rep, "Perdido")
        raise RuntimeError
    assert _mailer_jobs().count() == 0 and not Notification.objects.exists()
    kept = _notify(rep, "Guardado")  # the transaction enqueues its job anew
    assert _mailer_jobs().count() == 1
    send_notification_email.call(kept.pk)
    assert [m.subject for m in mail.outbox] == ["Guardado"]


@pytest.mark.django_db(transaction=True)
def test_each_committed_transaction_enqueues_one_mailer_job():
    _operator, rep, _codes = company_with_codes({"16": 1})
    with transaction.atomic():
        for i in range(3):
            _notify(rep, f"Lote A {i}")
    with transaction.atomic():
        for i in range(2):
            _notify(rep, f"Lote B {i}")
    assert _mailer_jobs().count() == 2
    first = _mailer_jobs().order_by("enqueued_at").first()
    send_notification_email.call(*first.args_kwargs["args"])  # one loop sends both batches
    assert len(mail.outbox) == 5
    for job in _mailer_jobs():
        send_notification_email.call(*job.args_kwargs["args"])
    assert len(mail.outbox) == 5

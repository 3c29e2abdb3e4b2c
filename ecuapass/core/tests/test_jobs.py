"""Recovery of the queue: jobs of dead workers, transient failures, orphaned e-mail jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ecuapass.accounts.tests.factories import UserFactory
from ecuapass.core import jobs
from ecuapass.core.models import Sequence, WorkerHeartbeat
from ecuapass.notifications.models import Category, Notification
from ecuapass.notifications.services import notify
from tests.support.workers import closed_port
from tests.tasks import count_run

pytestmark = pytest.mark.django_db


def run_queue():
    """Run every ready job in this process (django-tasks-db's own worker loop, batch mode).

    The loop closes the connection between jobs: tests that call it run outside a
    transaction (``django_db(transaction=True)``)."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-test",
        excluded_queue_names=[],
    ).run()


def claimed(result, worker: str, *, started_ago: float = 0, claims: int = 1) -> DBTaskResult:
    """The job as a worker left it when it died running it."""
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(seconds=started_ago),
        worker_ids=[f"earlier-{n}" for n in range(claims - 1)] + [worker],
    )
    return DBTaskResult.objects.get(pk=result.id)


def beat(worker: str, ago: float = 0, **fields) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(
        worker=worker, seen_on=timezone.now() - timedelta(seconds=ago), **fields
    )


def status(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


@pytest.mark.django_db(transaction=True)
def test_job_of_a_worker_silent_past_the_stale_limit_is_requeued_at_once():
    result = count_run.enqueue("orphan")
    claimed(result, "w-dead")
    beat("w-dead", ago=5)
    assert jobs.recover()["orphans"] == []  # its worker is alive: leave it
    WorkerHeartbeat.objects.filter(worker="w-dead").update(
        seen_on=timezone.now() - timedelta(seconds=31)
    )
    # Known dead after 30 s of silence (ECUAPASS_WORKER_STALE_SECONDS), not after 10 minutes.
    assert jobs.recover()["orphans"] == [str(result.id)]
    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == "READY" and job.run_after >= timezone.now() - timedelta(seconds=5)
    run_queue()
    assert status(result) == "SUCCESSFUL"
    assert Sequence.objects.get(key="orphan").value == 1
    assert jobs.recover()["orphans"] == []


def test_job_of_a_stopped_worker_is_requeued_without_waiting():
    result = count_run.enqueue("stopped")
    claimed(result, "w-stopped")
    beat("w-stopped", ago=0, stopped_on=timezone.now())
    assert jobs.requeue_orphans() == [str(result.id)]


def test_job_of_a_worker_without_heartbeat_waits_for_the_untracked_limit():
    result = count_run.enqueue("untracked")
    claimed(result, "plain-db-worker", started_ago=60)
    assert jobs.requeue_orphans() == []
    claimed(result, "plain-db-worker", started_ago=601)
    assert jobs.requeue_orphans() == [str(result.id)]


@override_settings(ECUAPASS_JOB_MAX_ATTEMPTS=3)
def test_a_job_that_keeps_killing_its_worker_is_given_up():
    result = count_run.enqueue("poison")
    claimed(result, "w-dead", claims=3)
    beat("w-dead", ago=60)
    assert jobs.requeue_orphans() == []
    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == "FAILED"
    assert job.exception_class_path == "ecuapass.core.jobs.WorkerLost"
    assert "w-dead" in job.traceback


def test_requeue_is_a_compare_and_set_on_the_attempt():
    result = count_run.enqueue("cas")
    seen = claimed(result, "w-dead")
    claimed(result, "w-live", started_ago=-1)  # claimed again meanwhile
    assert jobs.requeue(seen, now=timezone.now()) is False
    assert status(result) == "RUNNING"


def failed(result, exception: str, *, ago: float = 0, claims: int = 1) -> None:
    DBTaskResult.objects.filter(pk=result.id).update(
        status="FAILED",
        finished_at=timezone.now() - timedelta(seconds=ago),
        exception_class_path=exception,
        traceback="…",
        worker_ids=[f"w{n}" for n in range(claims)],
    )


@override_settings(ECUAPASS_JOB_MAX_ATTEMPTS=4)
def test_transient_failures_are_retried_with_backoff_up_to_the_limit():
    result = count_run.enqueue("transient")
    failed(result, "django.db.utils.OperationalError")
    assert jobs.retry_transient_failures() == [str(result.id)]  # first retry: at once
    failed(result, "smtplib.SMTPServerDisconnected", ago=5, claims=2)
    assert jobs.retry_transient_failures() == []  # second: after 10 s
    failed(result, "smtplib.SMTPServerDisconnected", ago=11, claims=2)
    assert jobs.retry_transient_failures() == [str(result.id)]
    job = DBTaskResult.objects.get(pk=result.id)
    assert (job.status, job.exception_class_path, job.traceback) == ("READY", "", "")
    failed(result, "django.db.utils.OperationalError", ago=3600, claims=4)
    assert jobs.retry_transient_failures() == []  # attempts used up
    failed(result, "builtins.ValueError", ago=3600)
    assert jobs.retry_transient_failures() == []  # a bug is not retried


@pytest.mark.django_db(transaction=True)
def test_orphaned_email_job_is_retried_and_the_mail_goes_out_once():
    user = UserFactory(email="rep@example.com")
    notice = notify(
        sender="SENAE", subject="Aviso", body="Texto", category=Category.COMMUNIQUE, user=user
    )
    job = DBTaskResult.objects.get(task_path__endswith="send_notification_email")
    DBTaskResult.objects.filter(pk=job.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["w-dead"]
    )
    beat("w-dead", ago=60)
    run_queue()
    assert mail.outbox == []  # nothing picks up a RUNNING job by itself
    assert jobs.recover()["orphans"] == [str(job.pk)]
    run_queue()
    assert [m.subject for m in mail.outbox] == ["Aviso"]
    assert Notification.objects.get(pk=notice.pk).emailed_on is not None
    jobs.recover()
    run_queue()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_email_job_failed_because_the_mail_server_was_away_is_retried():
    user = UserFactory(email="rep@example.com")
    notify(sender="SENAE", subject="Aviso", body="Texto", category=Category.COMMUNIQUE, user=user)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port(),
    ):
        run_queue()
    job = DBTaskResult.objects.get(task_path__endswith="send_notification_email")
    assert job.status == "FAILED"
    assert job.exception_class_path == "builtins.ConnectionRefusedError"
    assert jobs.recover()["retried"] == [str(job.pk)]
    run_queue()
    assert [m.subject for m in mail.outbox] == ["Aviso"]


def test_stale_heartbeats_are_forgotten_after_a_day():
    beat("gone", ago=86400 + 60)
    beat("recent", ago=60)
    jobs.recover()
    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["recent"]

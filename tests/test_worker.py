"""A task enqueued inside a transaction is run by a real `db_worker` process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from ecuapass.core.models import WorkerHeartbeat
from ecuapass.core.tasks import heartbeat

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_task_enqueued_in_transaction(subprocess_env):
    with transaction.atomic():
        result = heartbeat.enqueue("worker-test")
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--queue-name",
            "*",
            "--no-reload",
        ],
        cwd=ROOT,
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result.refresh()
    assert result.status.name == "SUCCESSFUL"
    assert WorkerHeartbeat.objects.filter(worker="worker-test").exists()


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_rolled_back_transaction_is_never_run():
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            heartbeat.enqueue("ghost")
            raise RuntimeError("rollback")
    assert not DBTaskResult.objects.exists()

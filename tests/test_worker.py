"""Real worker processes (`manage.py run_worker`): transactions, a killed worker, make run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from ecuapass.core.models import Sequence, WorkerHeartbeat
from tests.support.workers import FAST_WORKER_ENV, ROOT, closed_port, wait_for
from tests.tasks import count_run


def job(result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result.id)


def runs(key: str) -> int:
    return Sequence.objects.filter(key=key).values_list("value", flat=True).first() or 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_task_enqueued_in_transaction_and_signs_off(workers):
    with transaction.atomic():
        result = count_run.enqueue("in-transaction")
    proc = workers.start("--batch")
    assert proc.wait(timeout=60) == 0, workers.log(proc)
    assert job(result).status == "SUCCESSFUL"
    assert runs("in-transaction") == 1
    beat = WorkerHeartbeat.objects.get(worker=job(result).worker_ids[-1])
    assert beat.pid == proc.pid and beat.host and beat.stopped_on is not None


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_rolled_back_transaction_is_never_run():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            count_run.enqueue("ghost")
            raise RuntimeError("rollback")
    assert not DBTaskResult.objects.exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_job_of_a_worker_killed_mid_job_is_requeued_at_once_and_runs_exactly_once(
    workers, tmp_path
):
    hold = tmp_path / "hold"
    hold.touch()
    result = count_run.enqueue("killed", str(hold))
    doomed = workers.start()
    wait_for(lambda: job(result).status == "RUNNING", what="the first worker claims the job")
    doomed_id = job(result).worker_ids[-1]
    survivor = workers.start()
    wait_for(
        lambda: WorkerHeartbeat.objects.filter(pid=survivor.pid).first(),
        what="the second worker beats",
    )
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    killed_at = time.monotonic()
    hold.unlink()

    wait_for(lambda: job(result).status == "SUCCESSFUL", timeout=15, what="the job is rerun")
    # Dead after 1 s of silence, plus the survivor's recovery round: seconds, not 10 minutes.
    assert time.monotonic() - killed_at < 10, workers.log(survivor)
    assert runs("killed") == 1
    survivor_id = WorkerHeartbeat.objects.get(pid=survivor.pid).worker
    assert job(result).worker_ids == [doomed_id, survivor_id]
    assert survivor.poll() is None


def _healthz(port: int) -> tuple[int, dict] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_make_run_restarts_a_dead_worker_and_the_web_server_keeps_serving(subprocess_env, tmp_path):
    port = closed_port()
    env = {
        **subprocess_env,
        **FAST_WORKER_ENV,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "BIN": os.path.dirname(sys.executable),
    }
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        ["sh", "scripts/serve.sh"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        first = wait_for(
            lambda: WorkerHeartbeat.objects.filter(stopped_on=None).first(),
            timeout=30,
            what="the worker of make run beats",
        )
        wait_for(lambda: _healthz(port), timeout=30, what="gunicorn answers")
        os.kill(first.pid, signal.SIGKILL)
        second = wait_for(
            lambda: WorkerHeartbeat.objects.filter(stopped_on=None).exclude(pid=first.pid).first(),
            timeout=20,
            what="the supervisor starts a new worker",
        )
        assert second.worker == first.worker  # same slot: it takes back what the dead one held
        code, body = wait_for(
            lambda: (r := _healthz(port)) and r[0] == 200 and r, timeout=10, what="healthy"
        )
        assert body["status"] == "ok" and body["workers"]["fresh"] == 1
        assert serve.poll() is None
    finally:
        if serve.poll() is None:
            os.kill(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=20)
        finally:
            try:
                os.killpg(serve.pid, signal.SIGKILL)  # stragglers of the group this test started
            except ProcessLookupError:
                pass
            log.close()
    assert not WorkerHeartbeat.objects.filter(stopped_on=None).exists(), (
        tmp_path / "serve.log"
    ).read_text()

"""Real processes: parallel submissions (número de entrega, idempotency) and real workers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.core.models import Sequence, WorkerHeartbeat
from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from ecuapass.edocs.models import EDocument, Envio
from ecuapass.edocs.states import DocumentState as S
from ecuapass.edocs.states import TransmissionState as T
from tests.support.workers import database_restart, wait_for
from tests.support.world import dai_payload
from tests.tasks import count_run

ROOT = Path(__file__).resolve().parents[3]

SUBMIT = textwrap.dedent(
    """
    import sys
    from ecuapass.accounts.models import OceCode, User
    from ecuapass.customs.serializers import DaiSerializer
    from ecuapass.edocs import registry, services
    from tests.support.world import dai_payload
    tag, count, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    oce = OceCode.objects.get(code="29000001")
    user = User.objects.get(login_ruc="0991003002001", username="rep")
    for i in range(count):
        p = dai_payload(invoice=f"F-{tag}-{i}")
        s = DaiSerializer(data=p)
        s.is_valid(raise_exception=True)
        services.submit_payload(registry.get("DAI"), s.validated_data, raw=p, user=user, oce=oce,
                                channel="S", idempotency_key=key)
    """
)


def run_parallel(env, args_list, timeout=240):
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings'); django.setup(); sys.argv=['x', *sys.argv[1:]]; exec(sys.stdin.read())",
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in args_list
    ]
    for proc in procs:
        proc.stdin.write(SUBMIT)
        proc.stdin.close()
    for proc in procs:
        proc.wait(timeout=timeout)
        assert proc.returncode == 0, proc.stderr.read()


def run_worker(env, timeout=240):
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--batch",
            "--no-startup-delay",
            "--queue-name",
            "*",
            "--no-reload",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_numero_de_entrega_never_repeats_or_skips_under_parallel_processes(world, subprocess_env):
    run_parallel(subprocess_env, [(f"p{n}", "6", "") for n in range(4)])
    year = timezone.localdate().year
    numbers = sorted(Envio.objects.values_list("numero_entrega", flat=True))
    assert numbers == [f"29000001{year}{seq:08d}S" for seq in range(1, 25)]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_with_one_idempotency_key_make_one_envio(world, subprocess_env):
    run_parallel(subprocess_env, [(f"r{n}", "1", "same-key") for n in range(3)])
    assert Envio.objects.count() == 1
    assert EDocument.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_accept_each_document_once_with_gap_free_dai_numbers(
    world, subprocess_env
):
    run_parallel(subprocess_env, [(f"w{n}", "4", "") for n in range(2)])
    workers = [run_worker(subprocess_env) for _ in range(2)]
    for w in workers:
        w.wait(timeout=240)
        assert w.returncode == 0, w.stderr.read()
    year = timezone.localdate().year
    docs = EDocument.objects.all()
    # Accepted, then the despacho: no perfil de riesgo in force → canal automático → aforo cerrado.
    assert {d.estado_documento for d in docs} == {"aforo_cerrado"}
    assert sorted(d.document_number for d in docs) == [
        f"028-{year}-10-{n:08d}" for n in range(1, 9)
    ]
    for d in docs:
        assert d.history.filter(to_state=S.ACEPTADO).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_workers_survive_a_database_restart_and_process_what_comes_next(world, workers, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server whose restart drops the workers' connections")
    hold = tmp_path / "hold"
    hold.touch()
    in_flight = count_run.enqueue("in-flight", str(hold))
    first, second = workers.start(), workers.start()
    wait_for(lambda: DBTaskResult.objects.get(pk=in_flight.id).status == "RUNNING")
    with database_restart():
        hold.unlink()  # the job in flight reaches for the database while it is down
        time.sleep(1.5)
        # Before: both db_worker processes exited with "the connection is closed".
        assert first.poll() is None, workers.log(first)
        assert second.poll() is None, workers.log(second)
    docs = [submit_one(world, f"after-{n}") for n in range(3)]
    wait_for(
        lambda: all(
            d.estado_transmision == T.PROCESADO for d in EDocument.objects.filter(pk__in=docs)
        ),
        timeout=30,
        what="the documents sent after the restart are processed",
    )
    wait_for(lambda: DBTaskResult.objects.get(pk=in_flight.id).status == "SUCCESSFUL")
    assert Sequence.objects.get(key="in-flight").value == 1  # run to the end exactly once
    for d in EDocument.objects.filter(pk__in=docs):
        assert d.history.filter(to_state=S.ACEPTADO).count() == 1
    assert first.poll() is None and second.poll() is None
    assert (
        WorkerHeartbeat.objects.filter(
            stopped_on=None, seen_on__gte=timezone.now() - timedelta(seconds=1)
        ).count()
        == 2
    )


def submit_one(world, invoice: str) -> int:
    payload = dai_payload(invoice=invoice)
    serializer = DaiSerializer(data=payload)
    serializer.is_valid(raise_exception=True)
    outcome = services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=world.importer.user,
        oce=world.importer.oce,
        channel="S",
    )
    return outcome.envio.document.pk

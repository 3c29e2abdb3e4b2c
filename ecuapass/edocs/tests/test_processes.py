"""Real processes: parallel submissions (número de entrega, idempotency) and real workers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.edocs.models import EDocument, Envio
from ecuapass.edocs.states import DocumentState as S

ROOT = Path(__file__).resolve().parents[3]

SUBMIT = textwrap.dedent(
    """
    import sys
    from ecuapass.accounts.models import OceCode, User
    from ecuapass.customs.serializers import DaiSerializer
    from ecuapass.edocs import registry, services
    from ecuapass.edocs.testing import dai_payload
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
            "db_worker",
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
    assert {d.estado_documento for d in docs} == {S.ACEPTADO}
    assert sorted(d.document_number for d in docs) == [
        f"028-{year}-10-{n:08d}" for n in range(1, 9)
    ]
    for d in docs:
        assert d.history.filter(to_state=S.ACEPTADO).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_job_of_a_crashed_worker_is_retried_and_processed_exactly_once(world, subprocess_env):
    from datetime import timedelta

    from ecuapass.edocs.services import recover_stalled

    run_parallel(subprocess_env, [("c", "1", "")])
    doc = EDocument.objects.get()
    # A worker claimed the job and died (killed -9): the row says RUNNING forever.
    DBTaskResult.objects.filter(pk=doc.job_id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(hours=1), worker_ids=["dead-worker"]
    )
    w = run_worker(subprocess_env)
    w.wait(timeout=240)
    doc.refresh_from_db()
    assert doc.estado_documento == S.REGISTRADO  # still visible as Recibido, not lost
    assert recover_stalled() == [doc.pk]
    w = run_worker(subprocess_env)
    w.wait(timeout=240)
    assert w.returncode == 0, w.stderr.read()
    doc.refresh_from_db()
    assert doc.estado_documento == S.ACEPTADO
    assert doc.history.filter(to_state=S.ACEPTADO).count() == 1
    assert doc.processing_attempts == 1

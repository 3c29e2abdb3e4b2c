"""Bank payments per second through ``POST /api/v1/banca/pagos/``, each completing a DAI's
obligations and so firing its levante (Salida autorizada) in the same transaction, against the
plain Django view measured by the same driver in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecuapass_bench_banca \\
        .venv/bin/python -m bench.banca [count] [concurrency]

Prepares its own database (DAIs accepted with canal automático: aforo cerrado, liquidación
pending), starts gunicorn (2 sync workers, ``bench.settings``: no throttling) on port 8771,
drives both endpoints from threads and prints the Markdown section of docs/performance.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_BANCA_PORT", "8771"))
BASE = f"http://127.0.0.1:{PORT}"


def reset_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True
    )


def prepare(count: int) -> dict:
    """Demo identities, the bank and its token, ``count`` DAIs in aforo cerrado."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.banca import demo_data as banca_demo
    from ecuapass.banca.models import BancaToken, EntidadFinanciera
    from ecuapass.core import reference_data as core_reference
    from ecuapass.core.loading import LoadReport
    from ecuapass.despacho.tests import helpers
    from ecuapass.obligaciones import reference_data as ledger_reference
    from ecuapass.obligaciones.models import Obligation
    from ecuapass.portal import reference_data as portal_reference
    from tests.support import world as testing

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, accounts_demo, ledger_reference, banca_demo):
        module.load(report)
    testing.load_sample_tariff()
    helpers.load_catalogs()
    world = testing.build_world()
    numeros = []
    for _ in range(count):
        edoc = helpers.accepted(world.importer)
        numeros.append(Obligation.objects.get(edoc=edoc))
    entidad = EntidadFinanciera.objects.get(code=banca_demo.BANK_CODE)
    _token, raw = BancaToken.issue(entidad=entidad, user=entidad.operator.users.get(), name="bench")
    return {
        "token": raw,
        "payments": [(o.numero, str(o.amount)) for o in numeros],
    }


def start_server() -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        start_new_session=True,
    )
    for _ in range(150):
        try:
            with urllib.request.urlopen(BASE + "/bench/plain/", timeout=1) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    from bench.submit import _drive

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    reset_database(os.environ["DATABASE_URL"])
    data = prepare(count)
    server = start_server()
    try:
        run_id = uuid.uuid4().hex[:6]

        def plain(_i: int) -> int:
            with urllib.request.urlopen(BASE + "/bench/plain/", timeout=60) as r:  # noqa: S310
                return r.status

        def pay(i: int) -> int:
            numero, monto = data["payments"][i]
            request = urllib.request.Request(  # noqa: S310 - loopback only
                BASE + "/api/v1/banca/pagos/",
                data=json.dumps(
                    {"numero": numero, "monto": monto, "referencia": f"BENCH-{i}"}
                ).encode(),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Token {data['token']}",
                    "Idempotency-Key": f"{run_id}-{i}",
                },
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310
                    return r.status
            except urllib.error.HTTPError as exc:
                return exc.code

        reference = _drive(plain, count, concurrency)
        result = _drive(pay, count, concurrency)
    finally:
        server.terminate()
        server.wait(timeout=30)
    from ecuapass.edocs.models import EDocument

    released = EDocument.objects.filter(estado_documento="salida_autorizada").count()

    def line(label, r, ref):
        return (
            f"| {label} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {dict(sorted(r['statuses'].items()))} | "
            f"{r['p95_ms'] / ref['p95_ms']:.1f}× / {ref['rps'] / r['rps']:.1f}× |"
        )

    print(
        f"**Bank payments through the API** (`POST /api/v1/banca/pagos/` with a bank token and an "
        f"Idempotency-Key, {count} payments of distinct DAIs in aforo cerrado, {concurrency} "
        f"client threads; each payment completes its DAI's obligations and fires the levante in "
        f"its transaction):\n"
    )
    print(
        "| driver | req/s | p50 ms | p95 ms | p99 ms | statuses | vs plain view (p95 / throughput) |"
    )
    print("|---|---:|---:|---:|---:|---|---:|")
    print(line("plain Django view, same driver (reference)", reference, reference))
    print(line("bank payment + levante (201)", result, reference))
    print(f"\n{released} of {count} DAIs ended in Salida autorizada.")


if __name__ == "__main__":
    main()

"""Benchmark harness: PostgreSQL, gunicorn (2 workers), wrk on loopback.

Every endpoint is reported as a ratio against references measured in the same run:
a plain Django view that does nothing, and (where the scenario has one) a view that
runs the raw SQL of the same query. Results go to docs/performance.md.

    python bench/run.py                 # all scenarios
    python bench/run.py --only frame    # one scenario (others keep their last results)
    BENCH_ONLY=frame,buzon,tariff,edocs13 make bench-quick   # the screens only
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / os.environ.get("BENCH_DOC", "docs/performance.md")
PY = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DB_NAME = os.environ.get("BENCH_DB", "ecuapass_bench")
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
# gunicorn threads per worker process: 1 (sync workers, every run before 2026-12-06 16:00 UTC)
# or the deployment's 4 (deploy/compose.yaml, deploy/Dockerfile: --workers 2 --threads 4).
THREADS = os.environ.get("BENCH_THREADS", "1")
# The shared cache of the deployment guide's cluster (docs/deploy.md): Redis, in a database of
# its own emptied before each run. BENCH_REDIS_URL="" measures with the database cache (the
# single-node default of `make run`), as every run before 2026-12-06 08:00 UTC did.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
# Production runs PostgreSQL with autovacuum on (docs/deploy.md); this machine's server may
# not. While the scenarios that fill tables from empty run (AUTOVACUUM_SCENARIOS) the bench
# turns it on (ALTER SYSTEM, reloaded; put back as it was at the end) with a naptime of
# BENCH_AUTOVACUUM_NAPTIME seconds: those tables grow in seconds, which in production takes
# days. The screens' scenarios read data analysed once after it was generated and run as
# before (a launcher waking every second costs them a few per cent). BENCH_AUTOVACUUM=0
# keeps the server as it is (every run before 2026-12-06 18:00 UTC).
AUTOVACUUM = os.environ.get("BENCH_AUTOVACUUM", "1") != "0"
AUTOVACUUM_NAPTIME = os.environ.get("BENCH_AUTOVACUUM_NAPTIME", "1")
AUTOVACUUM_SCENARIOS = {"submissions"}


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update(DJANGO_SETTINGS_MODULE="bench.settings", DATABASE_URL=DB_URL, DB_CONN_MAX_AGE="600")
    if REDIS_URL:
        e["REDIS_URL"] = REDIS_URL
    else:
        e.pop("REDIS_URL", None)
    e["PYTHONPATH"] = str(ROOT)
    return e


def sh(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env(), check=True, **kw)


def manage(*args: str) -> None:
    sh(PY, "manage.py", *args)


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def reset_cache() -> None:
    if REDIS_URL:
        import redis  # noqa: PLC0415

        redis.Redis.from_url(REDIS_URL).flushdb()


def reset_database(reuse: bool) -> None:
    reset_cache()
    if reuse:
        return
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"], check=True
        )
    manage("migrate", "--noinput", "-v", "0")
    manage("load_reference_data", "-v", "0")
    manage("load_demo_data", "-v", "0")


def start_server() -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            *(["--threads", THREADS] if THREADS != "1" else []),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env(),
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(BASE + "/bench/plain/", timeout=1) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAqc", sql, database],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@contextlib.contextmanager
def production_autovacuum():
    """Autovacuum on for the run when the server has it off (see AUTOVACUUM above).

    Without it the tables the run fills keep the statistics of their empty start, and every
    plan PostgreSQL caches for a connection's life keeps reading them whole: measured
    (auto_explain, 400 submissions) each foreign-key check of a new row — the server's own
    ``SELECT 1 … FOR KEY SHARE`` on the e-doc, the DAI, the obligation, the aforo case, the
    user, the OCE code — and the prepared ``UPDATE`` of an e-doc by key were sequential scans,
    ~16 % of PostgreSQL's CPU in the multixacts of the rows they pass."""
    if not AUTOVACUUM or psql("SHOW autovacuum") == "on":
        yield "as configured"
        return
    psql("ALTER SYSTEM SET autovacuum = on")
    psql(f"ALTER SYSTEM SET autovacuum_naptime = {int(AUTOVACUUM_NAPTIME)}")
    psql("SELECT pg_reload_conf()")
    try:
        yield f"on for the run (naptime {int(AUTOVACUUM_NAPTIME)} s)"
    finally:
        psql("ALTER SYSTEM RESET autovacuum")
        psql("ALTER SYSTEM RESET autovacuum_naptime")
        psql("SELECT pg_reload_conf()")


def wrk(wrk_bin: str, url: str, extra_env: dict[str, str] | None = None) -> dict:
    e = dict(os.environ)
    e.update(extra_env or {})
    out = subprocess.run(
        [
            wrk_bin,
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "report.lua"),
            BASE + url,
        ],
        env=e,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"WRKJSON (\{.*\})", out)
    if not match:
        raise SystemExit(f"wrk gave no summary for {url}:\n{out}")
    return json.loads(match.group(1))


def machine(autovacuum: str = "as configured") -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pg = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version", "postgres"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg}, gunicorn 2 "
        f"{'sync workers' if THREADS == '1' else f'workers × {THREADS} threads'}, "
        f"cache {'Redis' if REDIS_URL else 'in PostgreSQL'}, autovacuum {autovacuum}, "
        f"wrk 2 threads × {CONNECTIONS} connections × {DURATION} per endpoint, all on loopback"
    )


def row(label: str, r: dict, plain: dict, raw: dict | None) -> str:
    ratio_plain = (
        f"{r['p95_ms'] / plain['p95_ms']:.1f}× / {plain['rps'] / r['rps']:.1f}×"
        if r["rps"]
        else "—"
    )
    ratio_raw = (
        f"{r['p95_ms'] / raw['p95_ms']:.1f}× / {raw['rps'] / r['rps']:.1f}×"
        if raw and r["rps"]
        else "—"
    )
    return (
        f"| {label} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
        f"{r['non2xx'] + r['errors']} | {ratio_plain} | {ratio_raw} |"
    )


HEADER = (
    "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors/non-2xx | vs plain view (p95 / throughput) "
    "| vs raw SQL (p95 / throughput) |\n|---|---:|---:|---:|---:|---:|---:|---:|"
)


def write_section(name: str, body: str) -> None:
    DOC.parent.mkdir(exist_ok=True)
    text = (
        DOC.read_text()
        if DOC.exists()
        else (
            "# Performance\n\nMeasured by `make bench` (`bench/run.py`). Ratios are measured in one run: "
            "each endpoint against a plain Django view that does nothing and, where given, against a view "
            "that runs the hand-written SQL of the same query, on the same server at the same time. "
            "A ratio of 2.0× p95 means the endpoint's 95th-percentile latency is twice the reference's; "
            "2.0× throughput means the reference serves twice as many requests per second.\n"
        )
    )
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text:
        text = re.sub(
            re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text, flags=re.S
        )
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", help="scenario name (repeatable)")
    parser.add_argument("--reuse-db", action="store_true", help="keep the bench database as it is")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench import registry  # noqa: PLC0415

    wrk_bin = ensure_wrk()
    reset_database(args.reuse_db)
    only = args.only or [n for n in os.environ.get("BENCH_ONLY", "").split(",") if n]
    selected = [s for s in registry.SCENARIOS if not only or s.name in only]
    prepared = {}
    for scenario in selected:
        print(f"[bench] preparing {scenario.name}", flush=True)
        out = sh(
            PY, "-m", "bench.registry", "prepare", scenario.name, capture_output=True, text=True
        ).stdout
        prepared[scenario.name] = json.loads(out.strip().splitlines()[-1])

    # Fresh tables have no statistics (and this machine's PostgreSQL may run without
    # autovacuum): the planner would guess, e.g., 28 rows for 100,000 notices.
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "VACUUM ANALYZE", DB_NAME], check=True
    )
    # The data generation and the VACUUM leave the shared buffers full of dirty pages: flushed
    # now, not by the backends of a measured scenario that need a buffer (the full run's
    # submissions showed PostgreSQL at 15-29 ms per DAI against 4-7 ms on the same database
    # run alone).
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CHECKPOINT", DB_NAME], check=True
    )
    server = start_server()
    os.environ["BENCH_SERVER_PGID"] = str(server.pid)  # its own session: the pid is the group's
    try:
        when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        for scenario in selected:
            with (
                production_autovacuum()
                if scenario.name in AUTOVACUUM_SCENARIOS
                else contextlib.nullcontext("as configured")
            ) as autovacuum:
                run_scenario(wrk_bin, scenario, prepared[scenario.name], when, autovacuum)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"[bench] results written to {DOC}")


def mean_of(runs: list[dict]) -> dict:
    """The plain view's figures averaged over its runs (each measure alike)."""
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms")
    return {
        **{k: sum(r[k] for r in runs) / len(runs) for k in keys},
        "requests": sum(r.get("requests", 0) for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
    }


def run_scenario(wrk_bin: str, scenario, info: dict, when: str, autovacuum: str) -> None:
    """Each endpoint (and the raw SQL) is compared with the plain view measured just before
    and just after it (their mean): this shared machine's speed drifts by ±10 % within a
    minute, and a single reference at the scenario's start put that drift into every ratio."""
    headers = info.get("env", {})
    print(f"[bench] {scenario.name}: plain view", flush=True)
    plains = [wrk(wrk_bin, "/bench/plain/")]

    def bracketed(url: str, extra: dict | None = None) -> tuple[dict, dict]:
        result = wrk(wrk_bin, url, extra)
        print(f"[bench] {scenario.name}: plain view", flush=True)
        plains.append(wrk(wrk_bin, "/bench/plain/"))
        return result, mean_of(plains[-2:])

    rows = []
    raw = None
    if scenario.raw_sql:
        print(f"[bench] {scenario.name}: raw SQL", flush=True)
        raw, around = bracketed(f"/bench/raw/{scenario.raw_sql}/")
        rows.append(
            row(f"raw SQL of the same query (`/bench/raw/{scenario.raw_sql}/`)", raw, around, None)
        )
    measured = {}
    for label, url, *own in info["urls"]:  # a third item: this URL's own headers
        print(f"[bench] {scenario.name}: {url}", flush=True)
        measured[label], around = bracketed(url, {**headers, **(own[0] if own else {})})
        rows.append(row(f"{label} (`{url}`)", measured[label], around, raw))
    plain = mean_of(plains)
    lines = [
        f"## {scenario.title}",
        "",
        f"{when} — {machine(autovacuum)}.",
        "",
        scenario.description,
        "",
        HEADER,
        row(f"plain Django view (reference; mean of its {len(plains)} runs)", plain, plain, None),
        *rows,
    ]
    for small, large, what in info.get("growth", []):
        growth = measured[large]["p95_ms"] / measured[small]["p95_ms"]
        lines += ["", f"p95 growth {what}: **{growth:.2f}×** (same run)."]
    if info.get("notes"):
        lines += ["", info["notes"]]
    extra = scenario.extra(BASE, info) if scenario.extra else None
    if extra:
        lines += ["", extra]
    write_section(scenario.name, "\n".join(lines))


if __name__ == "__main__":
    main()

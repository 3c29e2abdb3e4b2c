"""The fault-injection suite (``make chaos``; ``make chaos-quick`` is CI's subset).

Not part of ``make test``: its files are collected only when ``ECUAPASS_CHAOS`` is ``quick`` or
``full``. One private cluster (deploy/cluster.py: HAProxy, two web nodes, two workers, its own
PostgreSQL and Redis on loopback ports, production settings) serves every scenario; it is
started once and stopped at the end, whatever happened. Nothing here touches the machine's
shared PostgreSQL or Redis. Each scenario records a row (requests, accepted, lost, duplicated,
recovered in s) and the session prints the table and writes it to
``$ECUAPASS_VAR_DIR/chaos-results.md`` (docs/reliability.md records a run).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

MODE = os.environ.get("ECUAPASS_CHAOS", "")
if MODE not in {"quick", "full"}:
    collect_ignore_glob = ["test_*.py"]

RESULTS: list[dict] = []


@pytest.fixture(scope="session")
def cluster():
    from deploy.cluster import Cluster, Ports

    from .support import FAST_WORKERS

    keep = os.environ.get("CHAOS_DIR")
    directory = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="ecuapass-chaos-"))
    the_cluster = Cluster(
        directory=directory,
        ports=Ports(int(os.environ.get("CHAOS_PORT", "18443"))),
        gunicorn_threads=4,
        extra_env={**FAST_WORKERS, "API_OPERATOR_RATE": "100000/min"},
    )
    try:
        the_cluster.start()
        yield the_cluster
    finally:
        the_cluster.stop()
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def record():
    def add(**row):
        RESULTS.append(row)

    return add


COLUMNS = ["scenario", "requests", "accepted", "lost", "duplicated", "recovered in s", "notes"]


def results_table() -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in RESULTS:
        lines.append("| " + " | ".join(str(row.get(c, "")) for c in COLUMNS) + " |")
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not RESULTS:
        return
    table = results_table()
    terminalreporter.section(f"chaos results ({MODE})")
    terminalreporter.write_line(table)
    out = Path(os.environ.get("ECUAPASS_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "chaos-results.md").write_text(table + "\n")

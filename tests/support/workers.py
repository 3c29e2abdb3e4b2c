"""Test helpers for real worker processes and database faults (no pytest import here)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]  # the repository

# Worker timings for tests: beat 5 times a second, dead after 1 s of silence.
FAST_WORKER_ENV = {
    "WORKER_HEARTBEAT_SECONDS": "0.2",
    "WORKER_STALE_SECONDS": "1",
    "WORKER_RECOVERY_SECONDS": "0.2",
}


def wait_for(predicate, *, timeout: float = 20.0, every: float = 0.05, what: str = ""):
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what or predicate}")
        time.sleep(every)


class WorkerProcesses:
    """``manage.py run_worker`` processes started by a test, each logging to its own file,
    all stopped by ``stop_all()``."""

    def __init__(self, env: dict, log_dir: Path):
        self.env = {**env, **FAST_WORKER_ENV}
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []

    def start(self, *args: str, command: str = "run_worker") -> subprocess.Popen:
        log_path = self.log_dir / f"worker-{len(self.procs)}.log"
        log = log_path.open("w")
        proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                command,
                "--queue-name",
                "*",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
                *args,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        proc.log_path = log_path
        self.procs.append(proc)
        return proc

    def log(self, proc: subprocess.Popen) -> str:
        return proc.log_path.read_text(errors="replace")

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def database_restart():
    """What a PostgreSQL restart does to the other clients of the current database, without
    stopping the shared server: their connections are dropped, and new ones are refused until
    the block ends. The caller's own connection stays."""
    if connection.vendor != "postgresql":
        raise RuntimeError("database_restart() needs PostgreSQL")
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    # A database cannot refuse connections from a session connected to it: ask from "postgres".
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        yield
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_unreachable():
    """Point this process's default connection at a database that cannot be reached (a closed
    port for PostgreSQL, a file in a missing folder for SQLite), then restore it."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        connection.settings_dict["NAME"] = os.path.join(os.sep, "nonexistent", "ecuapass.db")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

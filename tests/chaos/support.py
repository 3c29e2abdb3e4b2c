"""Clients and counters of the fault-injection suite: HTTPS through HAProxy, SQL on the
cluster's own PostgreSQL (psycopg, not Django: the suite's process is not a node)."""

from __future__ import annotations

import copy
import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg

from deploy.cluster import ROOT, insecure_context

# Workers beat 5 times a second and are dead after 1 s of silence (tests/support/workers.py).
FAST_WORKERS = {
    "WORKER_HEARTBEAT_SECONDS": "0.2",
    "WORKER_STALE_SECONDS": "1",
    "WORKER_RECOVERY_SECONDS": "0.2",
}
DEMO = {"ruc": "0991003002001", "usuario": "demo", "oce": "29000001"}
TEMPLATE = json.loads((ROOT / "docs" / "examples" / "dai.json").read_text())
SSL = insecure_context()


def token(cluster) -> str:
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_api_token",
            "--ruc",
            DEMO["ruc"],
            "--usuario",
            DEMO["usuario"],
            "--oce",
            DEMO["oce"],
        ],
        cwd=ROOT,
        env=cluster.env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1].split()[-1]


def sql(cluster, query: str, params=()) -> list[tuple]:
    with psycopg.connect(
        cluster.database_url.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def _lower(headers) -> dict:
    return {k.lower(): v for k, v in headers.items()}


def request(cluster, method: str, path: str, body: bytes | None = None, headers=None, timeout=30):
    """(status, headers with lower-case names, body bytes); (0, {}, b'') when the
    connection failed or the answer was cut short (a node killed between its headers and its
    body: the client cannot know what happened, so it counts as no answer and is retried)."""
    req = urllib.request.Request(  # noqa: S310 - loopback cluster
        cluster.url + path, data=body, headers=headers or {}, method=method
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=SSL) as response:  # noqa: S310
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()
    except (OSError, urllib.error.URLError, http.client.HTTPException):
        return 0, {}, b""


@dataclass
class Submissions:
    """DAIs posted through HAProxy, each with its own invoice number and Idempotency-Key;
    a failed attempt (connection error, 502/503/504) is sent again with the same key."""

    cluster: object
    api_token: str
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    retry: bool = True
    attempts: int = 0
    statuses: dict = field(default_factory=dict)
    numeros: dict = field(default_factory=dict)  # key → número de entrega of its first 202
    replies: dict = field(default_factory=dict)  # key → every número a 202 gave for it
    bad_bodies: list = field(default_factory=list)  # non-JSON error answers
    first_202_after: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def key(self, i: int) -> str:
        return f"chaos-{self.run}-{i}"

    def payload(self, i: int) -> bytes:
        data = copy.deepcopy(TEMPLATE)
        data["factura"]["numero"] = f"C{self.run}-{i:06d}"
        return json.dumps(data).encode()

    def post(self, i: int, deadline: float = 120) -> int:
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Token {self.api_token}",
            "Idempotency-Key": self.key(i),
        }
        body = self.payload(i)
        give_up = time.monotonic() + deadline
        while True:
            status, hdrs, content = request(self.cluster, "POST", "/api/v1/edocs/", body, headers)
            with self.lock:
                self.attempts += 1
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 202:
                    numero = json.loads(content)["numero_entrega"]
                    self.numeros.setdefault(self.key(i), numero)
                    self.replies.setdefault(self.key(i), set()).add(numero)
                    self.first_202_after.setdefault("t", time.monotonic())
                elif status and not hdrs.get("content-type", "").startswith("application/json"):
                    self.bad_bodies.append((status, content[:200]))
            if status == 202 or not self.retry or time.monotonic() > give_up:
                return status
            if status in (0, 502, 503, 504):
                time.sleep(0.2)
                continue
            return status

    def drive(self, count: int, threads: int = 6, start: int = 0) -> None:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(self.post, range(start, start + count)))


def wait_drained(cluster, timeout: float = 600) -> float:
    """Seconds until no job is READY or RUNNING and no document is still Recibido."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        pending = sql(
            cluster,
            "SELECT (SELECT count(*) FROM django_tasks_database_dbtaskresult"
            "        WHERE status IN ('READY', 'RUNNING'))"
            " + (SELECT count(*) FROM edocs_edocument WHERE estado_transmision = 'recibido')",
        )[0][0]
        if pending == 0:
            return time.monotonic() - began
        time.sleep(1)
    raise AssertionError(f"the queue did not drain within {timeout} s")


def outcome(cluster, keys: list[str]) -> dict:
    """For the envíos of ``keys``: how many envíos, documents processed once, more than once,
    never (still Recibido), and keys with more than one envío."""
    rows = sql(
        cluster,
        """
        SELECT e.idempotency_key, d.id, d.estado_transmision,
               (SELECT count(*) FROM edocs_statuschange h WHERE h.document_id = d.id
                 AND h.field = 'transmision' AND h.from_state = 'recibido') AS processed,
               (SELECT count(*) FROM edocs_statuschange h WHERE h.document_id = d.id
                 AND h.field = 'documento' AND h.from_state = 'registrado') AS decided
          FROM edocs_envio e JOIN edocs_edocument d ON d.id = e.document_id
         WHERE e.idempotency_key = ANY(%s)
        """,
        (keys,),
    )
    per_key: dict[str, int] = {}
    for key, *_rest in rows:
        per_key[key] = per_key.get(key, 0) + 1
    return {
        "envios": len(rows),
        "processed_once": sum(1 for r in rows if r[3] == 1 and r[4] == 1),
        "processed_twice": sum(1 for r in rows if r[3] > 1 or r[4] > 1),
        "unprocessed": sum(1 for r in rows if r[3] == 0),
        "keys_with_several_envios": sum(1 for n in per_key.values() if n > 1),
        "keys": set(per_key),
    }


def latencies(cluster, path: str, count: int, threads: int = 4) -> dict:
    times, statuses = [], {}

    def one(_):
        started = time.perf_counter()
        status, _h, _b = request(cluster, "GET", path, timeout=30)
        times.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(count)))
    ordered = sorted(times)
    return {
        "statuses": statuses,
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1)))],
    }

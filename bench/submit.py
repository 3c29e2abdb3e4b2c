"""DAI submissions through the API with workers running: a bounded load from threads.

Posts ``docs/examples/dai.json`` (each with its own invoice number and Idempotency-Key)
from ``concurrency`` threads, ``count`` times or, with ``seconds``, for that long (issue 16: "60 s
sustained"), then waits until the queue is empty (``/healthz``). The same driver measures a plain
Django view (``count`` requests) in the same run.
"""

from __future__ import annotations

import itertools
import json
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _drive(fn, count: int, concurrency: int, seconds: float | None = None) -> dict:
    """``fn(i)`` ``count`` times, or until ``seconds`` have passed (each thread then starts no
    new request), from ``concurrency`` threads."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    numbers = itertools.count()
    lock = threading.Lock()

    def one(i):
        started = time.perf_counter()
        status = fn(i)
        latencies.append((time.perf_counter() - started) * 1000)
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    def until(deadline):
        while time.perf_counter() < deadline:
            with lock:
                i = next(numbers)
            one(i)

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        if seconds:
            list(pool.map(until, [began + seconds] * concurrency))
        else:
            list(pool.map(one, range(count)))
    seconds = time.perf_counter() - began
    count = len(latencies)
    return {
        "count": count,
        "seconds": seconds,
        "rps": count / seconds,
        "p50_ms": statistics.median(latencies),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
        "statuses": statuses,
    }


def run(
    base: str,
    token: str,
    count: int = 400,
    concurrency: int = 8,
    on_phase=None,
    seconds: float | None = None,
) -> dict:
    """``seconds``: submit for that long instead of ``count`` times (the plain view's reference
    is still ``count`` requests). ``on_phase("submitting")`` right before the first submission, ``on_phase("drained")``
    once the queue is empty (e.g. to read the processes' CPU in between)."""
    on_phase = on_phase or (lambda _phase: None)
    template = json.loads((ROOT / "docs" / "examples" / "dai.json").read_text())
    run_id = uuid.uuid4().hex[:6]

    def post(i: int) -> int:
        payload = dict(template)
        payload["factura"] = {**template["factura"], "numero": f"B{run_id}-{i:07d}"}
        request = urllib.request.Request(  # noqa: S310 - loopback only
            base + "/api/v1/edocs/",
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Token {token}",
                "Idempotency-Key": f"{run_id}-{i}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status

    def plain(_i: int) -> int:
        with urllib.request.urlopen(base + "/bench/plain/", timeout=60) as response:  # noqa: S310
            return response.status

    reference = _drive(plain, count, concurrency)
    on_phase("submitting")
    submitted_at = time.perf_counter()
    result = _drive(post, count, concurrency, seconds=seconds)
    deadline = time.perf_counter() + 900
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=30) as response:  # noqa: S310
                queue = json.loads(response.read())["queue"]
        except urllib.error.HTTPError as degraded:  # 503 while the queue is ageing
            queue = json.loads(degraded.read())["queue"]
        if queue["ready"] == 0 and queue["running"] == 0:
            break
        time.sleep(0.5)
    result["drained_after_s"] = time.perf_counter() - submitted_at
    on_phase("drained")
    result["reference"] = reference
    return result

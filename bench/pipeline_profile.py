"""CPU milliseconds and SQL queries per DAI in the pipeline (issue 16), profiled in-process.

Run (SQLite, or PostgreSQL with DATABASE_URL):
    .venv/bin/python -m pytest -p no:cacheprovider -q -s bench/pipeline_profile.py
    PIPE_PROFILE=1 …   also prints the top functions of each step (cProfile, cumulative)

Three steps, each over ``COUNT`` DAIs of the sample world (3 items each, the importer filing):

* **API**: ``POST /api/v1/edocs/`` with a token through Django's test client (middleware,
  authentication, parsing, serializer, the submission's transaction);
* **worker**: ``edocs.services.process_batch`` over them, in batches of
  ``ECUAPASS_EDOCS_BATCH_SIZE`` (rules, acceptance, numbering, obligations, canal de aforo,
  despacho, notices);
* **mailer**: the e-mail copy of every notice the processing wrote.

CPU is this process's (``time.process_time``): the database server's own CPU is not in it
(on SQLite the engine runs in-process and is). Queries are counted with
``CaptureQueriesContext``. The figures are per document.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.api.models import ApiToken
from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db(transaction=False)

COUNT = int(os.environ.get("PIPE_COUNT", "40"))
VERBOSE = os.environ.get("PIPE_PROFILE") == "1"
# The worker's batch size; in a run it is what the queue holds when a worker claims (~8-15
# documents at ~70/s on 2 cores), not the setting's maximum.
BATCH = os.environ.get("PIPE_BATCH")


class Step:
    def __init__(self, name: str):
        self.name = name
        self.profile = cProfile.Profile()

    def __enter__(self):
        self._queries = CaptureQueriesContext(connection)
        self._queries.__enter__()
        self._cpu = time.process_time()
        self._wall = time.perf_counter()
        if VERBOSE:
            self.profile.enable()
        return self

    def __exit__(self, *exc):
        if VERBOSE:
            self.profile.disable()
            if os.environ.get("PIPE_DUMP"):  # a directory: one pstats file per step
                slug = self.name.split(" ")[0].lower()
                self.profile.dump_stats(os.path.join(os.environ["PIPE_DUMP"], f"{slug}.pstats"))
        self.cpu_ms = (time.process_time() - self._cpu) * 1000
        self.wall_ms = (time.perf_counter() - self._wall) * 1000
        self._queries.__exit__(*exc)
        self.queries = len(self._queries.captured_queries)

    def report(self, per: int) -> str:
        line = (
            f"| {self.name} | {self.cpu_ms / per:.1f} | {self.wall_ms / per:.1f} | "
            f"{self.queries / per:.1f} |"
        )
        if os.environ.get("PIPE_SQL") == "1":
            import collections
            import re

            shapes = collections.Counter(
                re.sub(r"\"s\d+_x\d+\"", '"sN"', re.sub(r"\s+", " ", q["sql"]))[:110]
                for q in self._queries.captured_queries
            )
            for shape, n in shapes.most_common(40):
                line += f"\n{n / per:6.2f}  {shape}"
        if VERBOSE:
            out = io.StringIO()
            pstats.Stats(self.profile, stream=out).sort_stats("cumulative").print_stats(45)
            line += "\n" + out.getvalue()
        return line


def test_pipeline_cost_per_document(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if BATCH:
        settings.ECUAPASS_EDOCS_BATCH_SIZE = int(BATCH)
    world.importer.user.email = "rep@example.com"
    world.importer.user.save(update_fields=["email"])
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="bench")
    headers = {"HTTP_AUTHORIZATION": f"Token {raw}"}
    bodies = [json.dumps(dai_payload(invoice=f"PIPE-{i:05d}")) for i in range(COUNT + 1)]
    # One warm-up request (imports, URL resolver, first-use caches) outside the measure.
    client.post("/api/v1/edocs/", data=bodies[0], content_type="application/json", **headers)

    with Step("API request (POST /api/v1/edocs/)") as api:
        for body in bodies[1:]:
            r = client.post("/api/v1/edocs/", data=body, content_type="application/json", **headers)
            assert r.status_code == 202, r.content

    received = list(
        EDocument.objects.filter(estado_transmision="recibido")
        .order_by("sent_on", "id")
        .values_list("pk", flat=True)
    )
    assert len(received) == COUNT + 1
    with Step("worker (process_batch)") as worker:
        outcomes = {}
        for pk in received:
            if pk not in outcomes:
                outcomes.update(services.process_batch(pk))
    assert set(outcomes.values()) == {"aceptado"}, outcomes

    mail.outbox.clear()
    with Step("mailer (e-mail copies)") as mailer:
        sent_notices = _run_mailer()
    per_notice = max(1, sent_notices)
    print()
    print(f"{COUNT} DAIs ({connection.vendor}); {sent_notices} notices e-mailed")
    print("| step | CPU ms / doc | wall ms / doc | queries / doc |")
    print("|---|---:|---:|---:|")
    print(api.report(COUNT))
    print(worker.report(COUNT + 1))
    print(mailer.report(COUNT + 1))
    print(
        f"(mailer per notice: {mailer.cpu_ms / per_notice:.1f} ms CPU, "
        f"{mailer.queries / per_notice:.1f} queries)"
    )


def _run_mailer() -> int:
    """Run the e-mail work the notices left in the queue, as a worker would; notices sent."""
    from django_tasks_db.models import DBTaskResult

    from ecuapass.notifications.models import Notification

    unsent = Notification.objects.filter(emailed_on__isnull=True).count()
    for _round in range(1000):
        job = (
            DBTaskResult.objects.ready()
            .filter(queue_name="notifications")
            .order_by("enqueued_at")
            .first()
        )
        if job is None:
            break
        job.claim("bench")
        job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        job.set_successful(None)
    return unsent - Notification.objects.filter(emailed_on__isnull=True).count()

"""Large DAI prints never hold a web worker (issue 8, item 9).

A 999-item DAI's dai.pdf took 98 s and its liquidacion.pdf 47 s inside a web thread: the
layout of 50-70 pages is the cost (about a page per second under load). A DAI of more than
``ECUAPASS_PDF_SYNC_MAX_ITEMS`` items is printed by a worker: the request answers at once
with a "Generando…" page that reloads itself, and once the worker stored the file (outside
the web root) the same URL, after the same scope check, serves it. The tests lower the
threshold so a three-item DAI counts as large.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from ecuapass.customs.models import Impresion
from ecuapass.edocs import registry, services
from tests.support.world import dai_payload

# Far below any real print: the response must not wait for a layout.
QUICK = 5.0


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.ECUAPASS_PDF_SYNC_MAX_ITEMS = 2
    settings.ECUAPASS_PRINTS_DIR = tmp_path / "impresiones"


def send(party, invoice="F-PDF-1"):
    from ecuapass.customs.serializers import DaiSerializer

    payload = dai_payload(invoice=invoice)
    s = DaiSerializer(data=payload)
    assert s.is_valid(), s.errors
    edoc = services.submit_payload(
        registry.get("DAI"),
        s.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document
    assert services.process(edoc.pk) == "aceptado"
    edoc.refresh_from_db()
    return edoc


def run_jobs():
    """The real django-tasks database worker, in this process, until the queue is empty."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-test",
        excluded_queue_names=[],
    ).run()


def timed_get(client, url):
    start = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - start


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("print_name", ["dai", "liquidacion"])
def test_large_print_is_rendered_by_a_worker_and_served_when_ready(oce_client, world, print_name):
    edoc = send(world.importer)
    run_jobs()  # the acceptance's own jobs (notices) out of the way
    client = oce_client(world.importer)
    url = f"/declaraciones/dai/{edoc.pk}/{print_name}.pdf"

    first, seconds = timed_get(client, url)
    assert seconds < QUICK
    assert first.status_code == 202 and first["Content-Type"].startswith("text/html")
    assert first["Refresh"] == "3"
    assert "Generando el PDF (3 ítems)" in first.content.decode()
    impresion = Impresion.objects.get(edoc=edoc, tipo=print_name)
    assert impresion.estado == "pendiente"
    assert DBTaskResult.objects.filter(pk=impresion.job_id, status="READY").exists()

    again, _s = timed_get(client, url)  # reloading while it is generated: no second job
    assert again.status_code == 202
    assert Impresion.objects.filter(edoc=edoc).count() == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_jobs()
    impresion.refresh_from_db()
    assert impresion.estado == "lista"
    stored = Path(impresion.archivo.path)
    assert stored.is_file() and Path(settings.ECUAPASS_PRINTS_DIR) in stored.parents
    assert Path(settings.STATIC_ROOT) not in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents

    ready, seconds = timed_get(client, url)
    assert seconds < QUICK
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    body = b"".join(ready.streaming_content)
    assert body.startswith(b"%PDF") and body == stored.read_bytes()
    assert edoc.document_number in ready["Content-Disposition"] or print_name == "liquidacion"


@pytest.mark.django_db(transaction=True)
def test_the_stored_print_is_served_only_through_the_scope_check(oce_client, world):
    edoc = send(world.importer, "F-PDF-2")
    url = f"/declaraciones/dai/{edoc.pk}/dai.pdf"
    oce_client(world.importer).get(url)
    run_jobs()
    assert Impresion.objects.get(edoc=edoc).estado == "lista"
    outsider = oce_client(world.other)  # another importer's código de OCE
    r = outsider.get(url)
    assert r.status_code == 404
    assert Impresion.objects.filter(edoc=edoc).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_changed_document_gets_a_new_print_and_the_old_file_goes(oce_client, world):
    edoc = send(world.importer, "F-PDF-3")
    client = oce_client(world.importer)
    url = f"/declaraciones/dai/{edoc.pk}/dai.pdf"
    client.get(url)
    run_jobs()
    old = Impresion.objects.get(edoc=edoc)
    old_file = Path(old.archivo.path)
    assert old_file.is_file()
    edoc.document_number = f"{edoc.document_number}-X"  # what the print shows changed
    edoc.save()
    r = client.get(url)
    assert r.status_code == 202
    new = Impresion.objects.get(edoc=edoc)
    assert new.pk != old.pk and new.estado == "pendiente"
    assert not old_file.exists()
    run_jobs()
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


@pytest.mark.django_db(transaction=True)
def test_a_lost_job_is_enqueued_again_and_a_failed_print_can_be_retried(oce_client, world):
    edoc = send(world.importer, "F-PDF-4")
    client = oce_client(world.importer)
    url = f"/declaraciones/dai/{edoc.pk}/liquidacion.pdf"
    client.get(url)
    impresion = Impresion.objects.get(edoc=edoc)
    DBTaskResult.objects.filter(pk=impresion.job_id).delete()  # the job vanished
    assert client.get(url).status_code == 202
    impresion.refresh_from_db()
    assert DBTaskResult.objects.filter(pk=impresion.job_id, status="READY").exists()
    Impresion.objects.filter(pk=impresion.pk).update(estado="error", error="sin memoria")
    DBTaskResult.objects.all().delete()
    failed = client.get(url)
    assert failed.status_code == 200 and "No se pudo generar el PDF" in failed.content.decode()
    assert "Refresh" not in failed and not DBTaskResult.objects.exists()
    assert client.get(url + "?reintentar=1").status_code == 202
    run_jobs()
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_small_prints_are_still_rendered_in_the_request(oce_client, world, settings):
    settings.ECUAPASS_PDF_SYNC_MAX_ITEMS = 25
    edoc = send(world.importer, "F-PDF-5")
    r = oce_client(world.importer).get(f"/declaraciones/dai/{edoc.pk}/dai.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert not Impresion.objects.exists()

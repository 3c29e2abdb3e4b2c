"""/healthz reports each worker's freshness and the queue's age; a database outage is a 503."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.core.models import WorkerHeartbeat
from tests.support.workers import database_unreachable
from tests.tasks import count_run


def healthz(client):
    response = client.get("/healthz")
    return response.status_code, json.loads(response.content)


def beat(worker="w1", ago=0.0, **fields):
    return WorkerHeartbeat.objects.create(
        worker=worker, seen_on=timezone.now() - timedelta(seconds=ago), **fields
    )


@pytest.mark.django_db
def test_healthz_is_ok_with_a_fresh_worker_and_a_young_queue(client):
    beat("w1", ago=1, host="h", pid=1)
    count_run.enqueue("young")
    code, body = healthz(client)
    assert code == 200
    assert body["status"] == "ok" and body["database"] == "ok" and body["problems"] == []
    assert body["queue"]["ready"] == 1
    assert body["queue"]["oldest_ready_seconds"] < 60
    assert body["workers"]["fresh"] == 1
    assert body["workers"]["list"] == [
        {
            "worker": "w1",
            "fresh": True,
            "seconds_since_seen": pytest.approx(1, abs=1),
            "busy": False,
        }
    ]
    assert "host" not in json.dumps(body["workers"])  # no host names or pids in public


@pytest.mark.django_db
def test_healthz_is_degraded_when_no_worker_is_fresh(client):
    # Before: "ok" with worker_recent false, whatever happened to the workers.
    code, body = healthz(client)
    assert code == 503 and body["problems"] == ["no_fresh_worker"]
    beat("dead", ago=31)  # stale after ECUAPASS_WORKER_STALE_SECONDS (30)
    beat("stopped", ago=0, stopped_on=timezone.now())
    code, body = healthz(client)
    assert code == 503 and body["status"] == "degraded"
    assert body["problems"] == ["no_fresh_worker"]
    assert body["workers"]["fresh"] == 0 and body["workers"]["stale"] == 1
    assert body["workers"]["list"][0]["worker"] == "dead"
    assert body["workers"]["list"][0]["fresh"] is False
    beat("alive", ago=0)
    assert healthz(client)[0] == 200


@pytest.mark.django_db
@override_settings(ECUAPASS_QUEUE_MAX_AGE_SECONDS=300)
def test_healthz_is_degraded_when_the_queue_is_ageing(client):
    beat("w1")
    result = count_run.enqueue("old")
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=6)
    )
    code, body = healthz(client)
    assert code == 503 and body["problems"] == ["queue_ageing"]
    assert body["queue"]["oldest_ready_seconds"] >= 360
    # A job deferred to later is not waiting; a requeued one waits since its requeue.
    DBTaskResult.objects.filter(pk=result.id).update(
        run_after=timezone.now() + timedelta(minutes=1)
    )
    assert healthz(client)[0] == 200
    DBTaskResult.objects.filter(pk=result.id).update(
        run_after=timezone.now() - timedelta(seconds=10)
    )
    code, body = healthz(client)
    assert code == 200 and 9 <= body["queue"]["oldest_ready_seconds"] < 60


# --- a database outage answers 503, never 500 ----------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_database_outage_is_a_503_json_error_on_the_api():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get("/api/v1/arancel/?q=cafe")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    body = json.loads(response.content)
    assert body["error"] == "service_unavailable"
    assert body["detail"].startswith("Servicio no disponible temporalmente")


@pytest.mark.django_db(transaction=True)
def test_database_outage_is_a_spanish_503_page_in_the_portal():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        page = client.get("/arancel/?q=cafe")
        health = client.get("/healthz")
    assert page.status_code == 503
    text = page.content.decode()
    assert "Servicio no disponible" in text and "Intente nuevamente" in text
    assert page["Retry-After"] == "30"
    assert health.status_code == 503
    assert json.loads(health.content)["status"] == "error"
    # The database is back: so is the service.
    assert client.get("/arancel/?q=cafe").status_code == 200

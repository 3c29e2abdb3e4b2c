"""An API submission writes its document's row once, already sent (PostgreSQL: the key is
reserved first and the content's rows name it before it exists; the foreign keys are checked at
the commit). Committed for real here (transactional tests), so those checks run."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from ecuapass.api.models import ApiToken
from ecuapass.customs.models import Dai, DaiItem, Liquidacion
from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument, Envio, StatusChange
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db(transaction=True)


def _post(client, raw, payload, **extra):
    return client.post(
        "/api/v1/edocs/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {raw}",
        **extra,
    )


def test_committed_submissions_hold_their_content_and_sent_state(client, world):
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    first = _post(client, raw, dai_payload(invoice="ONE-1"), HTTP_IDEMPOTENCY_KEY="k1")
    second = _post(client, raw, dai_payload(invoice="ONE-2"))
    assert first.status_code == second.status_code == 202, (first.content, second.content)
    replay = _post(client, raw, dai_payload(invoice="ONE-1"), HTTP_IDEMPOTENCY_KEY="k1")
    assert replay.status_code == 202 and replay.json()["reintento"] is True
    assert replay.json()["numero_entrega"] == first.json()["numero_entrega"]
    docs = list(EDocument.objects.order_by("id"))
    assert [d.numero_entrega for d in docs] == [
        first.json()["numero_entrega"],
        second.json()["numero_entrega"],
    ]
    for doc in docs:
        assert (doc.estado_documento, doc.estado_transmision) == ("registrado", "recibido")
        assert doc.job_id and doc.sent_on and doc.reference.startswith("ONE-")
        assert doc.created_on <= doc.modified_on
        dai = Dai.objects.get(edoc=doc)
        assert DaiItem.objects.filter(dai=dai).count() == 3
        assert Liquidacion.objects.get(dai=dai).total_tributos > 0
        assert Envio.objects.get(document=doc).numero_entrega == doc.numero_entrega
        assert StatusChange.objects.filter(document=doc).count() == 2
    assert services.process(docs[0].pk) == "aceptado"


def test_a_submission_that_fails_after_its_content_leaves_nothing(client, world, monkeypatch):
    """The content's rows were written (naming a key whose row is not there yet) when the job
    could not be enqueued: all of it goes, and the next submission takes the same número."""
    from ecuapass.edocs import tasks

    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")

    class Broken:
        def enqueue(self, *args, **kwargs):
            assert Dai.objects.count() == 1  # the content is in, the document not yet
            if connection.vendor == "postgresql":
                assert not EDocument.objects.exists()
            raise RuntimeError("queue down")

    real = tasks.process_document
    monkeypatch.setattr(tasks, "process_document", Broken())
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        _post(client, raw, dai_payload(invoice="TWO-1"))
    assert not (EDocument.objects.exists() or Dai.objects.exists() or DaiItem.objects.exists())
    monkeypatch.setattr(tasks, "process_document", real)
    ok = _post(client, raw, dai_payload(invoice="TWO-2"))
    assert ok.status_code == 202 and ok.json()["numero_entrega"].endswith("00000001S")

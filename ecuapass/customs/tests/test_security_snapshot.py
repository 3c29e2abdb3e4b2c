"""An accepted DAI is exactly what was transmitted (issue 8, item 2).

"Enviar" saves the draft and takes the envío's snapshot under one lock of the draft row: the
envío's payload, the DAI's items and the liquidación are one consistent state, a save that
arrives after "Enviar" is refused with a clear message, and racing requests never answer 500.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client

from ecuapass.customs.models import Dai
from ecuapass.customs.services import payload_of
from ecuapass.customs.tests.test_editor import ITEMS, form_data
from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument, Envio
from ecuapass.tariff.services.calculator import ItemInput, calculate

TRIALS = 12


def logged_in_client(party) -> Client:
    from ecuapass.accounts.context import SESSION_OCE_CODE, SESSION_OCE_TYPE

    client = Client(raise_request_exception=False)
    client.force_login(party.user)
    session = client.session
    session[SESSION_OCE_CODE] = party.oce.code
    session[SESSION_OCE_TYPE] = party.oce.registration.oce_type.code
    session.save()
    return client


def item_form(dai, fob: str, accion: str) -> dict:
    """The editor's POST of a one-item draft, as the browser sends it from the open page."""
    item = dai.items.get()
    return form_data(
        [dict(ITEMS[0], fob=fob)],
        accion=accion,
        factura_numero=dai.factura_numero,
        **{"items-INITIAL_FORMS": "1", "items-0-id": str(item.pk), "items-0-dai": str(dai.pk)},
    )


def assert_consistent(edoc: EDocument) -> None:
    """The envío's payload is the DAI, and the liquidación is the one of those items."""
    envio = Envio.objects.get(document=edoc)
    dai = Dai.objects.select_related("liquidacion").get(edoc=edoc)
    assert envio.payload == payload_of(dai)
    liq = dai.liquidacion
    expected = calculate(
        liq.fecha,
        [
            ItemInput(
                subpartida=i["subpartida"],
                fob=Decimal(i["fob"]),
                flete=Decimal(i["flete"]),
                seguro=Decimal(i["seguro"]) if Decimal(i["seguro"]) else None,
                cantidad=Decimal(i["cantidad_fisica"]),
            )
            for i in envio.payload["items"]
        ],
    )
    assert liq.total_cif == expected.totales["cif"]
    assert liq.total_tributos == expected.totales["total_tributos"]
    assert [item.cif for item in dai.items.order_by("numero")] == [r.cif for r in expected.items]


def new_draft(client, invoice: str = "F-EDIT-1") -> EDocument:
    r = client.post(
        "/declaraciones/dai/nueva/",
        form_data(ITEMS[:1], accion="guardar", factura_numero=invoice),
    )
    assert r.status_code == 302, r.content[:500]
    return EDocument.objects.order_by("-pk").first()


def race(clients, url, bodies) -> list[int]:
    """POST every body at once from its own thread (own connection); the status codes."""
    barrier = threading.Barrier(len(bodies))
    codes: list[int] = [0] * len(bodies)

    def run(n):
        try:
            barrier.wait()
            codes[n] = clients[n].post(url, bodies[n]).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return codes


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_enviar_and_guardar_never_split_the_envio_from_the_dai(world):
    """Two "Enviar" and one "Guardar temporal" race on one draft, many times.

    Before the fix the losing request's save committed after the winner's snapshot (the envío
    said one FOB, the DAI and its liquidación another) or died in a deadlock (500).
    """
    clients = [logged_in_client(world.importer) for _ in range(3)]
    failures = []
    for trial in range(TRIALS):
        edoc = new_draft(clients[0], f"F-RACE-{trial}")
        dai = edoc.dai
        url = f"/declaraciones/dai/{edoc.pk}/editar/"
        bodies = [
            item_form(dai, "1111.00", "enviar"),
            item_form(dai, "2222.00", "enviar"),
            item_form(dai, "3333.00", "guardar"),
        ]
        codes = race(clients, url, bodies)
        if any(code not in (200, 302) for code in codes):
            failures.append((trial, "status", codes))
        edoc.refresh_from_db()
        assert not edoc.is_draft and Envio.objects.filter(document=edoc).count() == 1
        assert services.process(edoc.pk) == "aceptado"
        try:
            assert_consistent(edoc)
        except AssertionError as exc:
            envio = Envio.objects.get(document=edoc)
            failures.append(
                (
                    trial,
                    "snapshot",
                    envio.payload["items"][0]["fob"],
                    str(Dai.objects.get(edoc=edoc).items.get().fob),
                    str(exc)[:200],
                )
            )
    assert not failures, failures


@pytest.mark.django_db(transaction=True)
def test_a_save_that_arrives_after_enviar_is_refused_and_changes_nothing(world, monkeypatch):
    """The page was opened while a draft; "Enviar" wins; the late "Guardar temporal" is refused.

    The late request is held after it found a draft and validated its input, while "Enviar" runs
    to the end in another thread: the interleaving that used to let it overwrite what was sent.
    """
    from ecuapass.customs.forms import DaiForm

    client = logged_in_client(world.importer)
    sender = logged_in_client(world.importer)
    edoc = new_draft(client)
    dai = edoc.dai
    url = f"/declaraciones/dai/{edoc.pk}/editar/"
    late, winner = item_form(dai, "3333.00", "guardar"), item_form(dai, "2222.00", "enviar")
    late_thread = threading.get_ident()
    sent = threading.Event()
    clean = DaiForm.clean

    def clean_then_let_enviar_win(form):
        data = clean(form)
        if threading.get_ident() == late_thread and not sent.is_set():
            sent.set()
            t = threading.Thread(target=lambda: (sender.post(url, winner), connections.close_all()))
            t.start()
            t.join(timeout=60)
        return data

    monkeypatch.setattr(DaiForm, "clean", clean_then_let_enviar_win)
    r = client.post(url, late, follow=True)
    connection.close()
    assert sent.is_set()
    html = r.content.decode()
    assert r.status_code == 200 and "ya fue enviad" in html, html[:2000]
    envio = Envio.objects.get(document=edoc)
    assert envio.payload["items"][0]["fob"] == "2222.00"
    assert str(Dai.objects.get(edoc=edoc).items.get().fob) == "2222.00"
    assert services.process(edoc.pk) == "aceptado"
    assert_consistent(edoc)


@pytest.mark.django_db
def test_guardar_on_a_sent_document_is_refused_with_a_message(oce_client, world):
    client = oce_client(world.importer)
    edoc = new_draft(client)
    dai = edoc.dai
    url = f"/declaraciones/dai/{edoc.pk}/editar/"
    assert client.post(url, item_form(dai, "2222.00", "enviar")).status_code == 302
    r = client.post(url, item_form(dai, "3333.00", "guardar"), follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and "ya fue enviad" in html
    assert_consistent(edoc)
    assert str(Dai.objects.get(edoc=edoc).items.get().fob) == "2222.00"


@pytest.mark.django_db
def test_forged_item_ids_never_reach_another_item(oce_client, world):
    """The grid's rows are the DAI's items: posted ids are not trusted (they were an IntegrityError
    when two rows named one item, or rows named items the formset did not count as initial)."""
    client = oce_client(world.importer)
    other = new_draft(client, "F-OTRA")
    other_items = list(other.dai.items.values_list("pk", "fob"))
    r = client.post("/declaraciones/dai/nueva/", form_data(ITEMS[:2], accion="guardar"))
    edoc = EDocument.objects.order_by("-pk").first()
    ids = [str(pk) for pk in edoc.dai.items.values_list("pk", flat=True)]
    url = f"/declaraciones/dai/{edoc.pk}/editar/"
    forgeries = {
        "one item twice": {"items-0-id": ids[0], "items-1-id": ids[0]},
        "rows not counted as initial": {
            "items-INITIAL_FORMS": "0",
            "items-0-id": ids[0],
            "items-1-id": ids[1],
        },
        "another DAI's item": {"items-0-id": str(other_items[0][0])},
        "no such item": {"items-0-id": "999999999", "items-1-id": "abc"},
        "one item twice, one deleted": {
            "items-0-id": ids[0],
            "items-1-id": ids[0],
            "items-1-DELETE": "on",
        },
    }
    for label, forged in forgeries.items():
        data = form_data(ITEMS[:2], accion="guardar", **{"items-INITIAL_FORMS": "2"})
        data["items-1-fob"] = "777.00"
        data.update(forged)
        r = client.post(url, data)
        assert r.status_code == 302, (label, r.status_code)
        saved = list(
            Dai.objects.get(edoc=edoc).items.order_by("numero").values_list("fob", flat=True)
        )
        expected = [Decimal(ITEMS[0]["fob"])]
        if "items-1-DELETE" not in forged:
            expected.append(Decimal("777.00"))
        assert saved == expected, label
    assert list(other.dai.items.values_list("pk", "fob")) == other_items

"""The banks' API: consult, pay once per Idempotency-Key, reverse the same day, conciliación."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ecuapass.despacho.tests.helpers import accepted
from ecuapass.obligaciones import services as ledger
from ecuapass.obligaciones.models import Concept, Obligation, Payment

pytestmark = pytest.mark.django_db


def _post(client, url, body, bank, key=None):
    extra = dict(bank.auth)
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def test_the_bank_pays_a_dai_and_the_dai_is_released(client, bank, ledger_world):
    edoc = accepted(ledger_world.importer)
    ob = Obligation.objects.get(edoc=edoc)
    r = client.get(f"/api/v1/banca/obligaciones/{ob.numero}/", **bank.auth)
    assert r.status_code == 200
    body = r.json()
    assert body["deudor"]["ruc"] == ob.debtor_ruc and body["valor_a_pagar"] == str(ob.amount)
    pay = {"numero": ob.numero, "monto": body["valor_a_pagar"], "referencia": "B-1"}
    r = _post(client, "/api/v1/banca/pagos/", pay, bank, key="k-1")
    assert r.status_code == 201, r.json()
    assert r.json()["estado_documento"] == "salida_autorizada"
    # The same key again: the same answer, nothing new.
    again = _post(client, "/api/v1/banca/pagos/", pay, bank, key="k-1")
    assert again.status_code == 201 and again.json() == r.json()
    assert Payment.objects.count() == 1
    # The same key with other data is refused; a new key for a paid obligation is a conflict.
    other = _post(client, "/api/v1/banca/pagos/", {**pay, "referencia": "B-2"}, bank, key="k-1")
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"
    paid = _post(client, "/api/v1/banca/pagos/", pay, bank, key="k-2")
    assert paid.status_code == 409 and paid.json()["error"] == "no_pendiente"


def _tasa(amount="25.00", source="t"):
    return ledger.issue_obligation("0991003002001", Concept.TASA, [("TASA", amount)], source=source)


def test_partial_wrong_and_malformed_payments_are_refused_with_machine_codes(client, bank):
    ob = _tasa()
    url = "/api/v1/banca/pagos/"
    r = _post(client, url, {"numero": ob.numero, "monto": "10.00", "referencia": "x"}, bank, "a")
    assert r.status_code == 422 and r.json()["error"] == "pago_parcial"
    r = _post(client, url, {"numero": ob.numero, "monto": "30.00", "referencia": "x"}, bank, "b")
    assert r.status_code == 422 and r.json()["error"] == "monto_incorrecto"
    r = _post(client, url, {"numero": ob.numero, "monto": "abc", "referencia": "x"}, bank, "c")
    assert r.status_code == 400 and "monto" in r.json()["fields"]
    r = _post(client, url, {"numero": ob.numero, "monto": "25.00", "referencia": "x"}, bank)
    assert r.status_code == 400 and r.json()["error"] == "idempotency_key_required"
    r = _post(client, url, {"numero": "no-existe", "monto": "1", "referencia": "x"}, bank, "d")
    assert r.status_code == 404
    assert not Payment.objects.exists()


def test_reversal_same_day_only_by_the_collecting_bank_and_conciliacion(client, bank):
    ob = _tasa()
    r = _post(
        client,
        "/api/v1/banca/pagos/",
        {"numero": ob.numero, "monto": "25.00", "referencia": "R-9"},
        bank,
        "p1",
    )
    pago = r.json()["pago"]
    rev = _post(client, f"/api/v1/banca/pagos/{pago}/reverso/", {}, bank, "rv1")
    assert rev.status_code == 201 and rev.json()["monto"] == "-25.00"
    again = _post(client, f"/api/v1/banca/pagos/{pago}/reverso/", {}, bank, "rv2")
    assert again.status_code == 409
    ob.refresh_from_db()
    assert ob.state == Obligation.State.PENDIENTE
    day = client.get("/api/v1/banca/conciliacion/", **bank.auth).json()
    assert day["cantidad"] == 2 and Decimal(day["total"]) == 0
    bad = client.get("/api/v1/banca/conciliacion/?fecha=ayer", **bank.auth)
    assert bad.status_code == 400 and "fecha" in bad.json()["fields"]


def test_a_bank_cannot_reverse_another_banks_payment(client, bank):
    ob = _tasa()
    payment = ledger.pay(ob, amount=Decimal("25"), collector="OTROBANCO", reference="z")
    r = _post(client, f"/api/v1/banca/pagos/{payment.pk}/reverso/", {}, bank, "x")
    assert r.status_code == 404


def test_operators_and_anonymous_are_refused(client, bank, oce_client, ledger_world):
    ob = _tasa()
    assert client.get(f"/api/v1/banca/obligaciones/{ob.numero}/").status_code in (401, 403)
    operator = oce_client(ledger_world.importer)
    assert operator.get(f"/api/v1/banca/obligaciones/{ob.numero}/").status_code == 403
    from ecuapass.api.models import ApiToken

    _t, raw = ApiToken.issue(
        user=ledger_world.importer.user, oce_code=ledger_world.importer.oce, name="erp"
    )
    r = client.get(f"/api/v1/banca/obligaciones/{ob.numero}/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert r.status_code in (401, 403)


def test_compare_flags_differences(bank):
    from ecuapass.banca import services

    a, b = _tasa("10", "a"), _tasa("20", "b")
    ledger.pay(a, amount=Decimal("10"), collector=bank.entidad.code, reference="R1")
    ledger.pay(b, amount=Decimal("20"), collector=bank.entidad.code, reference="R2")
    reported = [
        {"referencia": "R1", "numero": a.numero, "monto": "10.00"},
        {"referencia": "R2", "numero": b.numero, "monto": "19.00"},
        {"referencia": "R3", "numero": "x", "monto": "5"},
    ]
    kinds = {
        d.referencia: d.kind for d in services.compare(bank.entidad, services.today(), reported)
    }
    assert kinds == {"R2": "monto_distinto", "R3": "falta_en_libro"}

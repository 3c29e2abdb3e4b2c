"""The demo banca en línea: the teller consults and pays in the browser; tokens; who may enter."""

from __future__ import annotations

import re

import pytest

from ecuapass.despacho.tests.helpers import accepted
from ecuapass.obligaciones.models import Obligation, Payment

pytestmark = pytest.mark.django_db


def test_the_teller_pays_once_even_if_the_form_is_sent_twice(client, bank, ledger_world):
    edoc = accepted(ledger_world.importer)
    ob = Obligation.objects.get(edoc=edoc)
    client.force_login(bank.user)
    page = client.get("/banca/", {"numero": ob.numero}).content.decode()
    clave = re.search(r'name="clave" value="([^"]+)"', page).group(1)
    form = {"numero": ob.numero, "monto": str(ob.amount), "referencia": "BL-1", "clave": clave}
    assert client.post("/banca/pagar/", form).status_code == 302
    assert client.post("/banca/pagar/", form).status_code == 302
    assert Payment.objects.filter(obligation=ob).count() == 1
    edoc.refresh_from_db()
    assert edoc.estado_documento == "salida_autorizada"
    assert ob.numero in client.get("/banca/").content.decode()  # the day's collection


def test_a_wrong_amount_comes_back_with_the_message(client, bank, ledger_world):
    ob = Obligation.objects.get(edoc=accepted(ledger_world.importer))
    client.force_login(bank.user)
    r = client.post(
        "/banca/pagar/",
        {"numero": ob.numero, "monto": "1.00", "referencia": "BL-2", "clave": "k"},
        follow=True,
    )
    assert "pagos parciales" in r.content.decode()
    assert not Payment.objects.exists()


def test_tokens_are_shown_once_and_revocable(client, bank):
    client.force_login(bank.user)
    page = client.post("/banca/tokens/", {"name": "core bancario"}).content.decode()
    raw = re.search(r'data-testid="token">([^<]+)<', page).group(1)
    r = client.get("/api/v1/banca/conciliacion/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert r.status_code == 200


def test_operators_cannot_enter_the_bank_screens(oce_client, ledger_world):
    client = oce_client(ledger_world.importer)
    assert client.get("/banca/").status_code == 403
    assert client.get("/banca/tokens/").status_code == 403

"""API scope is the token's código de OCE; malformed input answers 4xx JSON, never 500."""

from __future__ import annotations

import json

import pytest

from ecuapass.api.models import ApiToken
from ecuapass.edocs.xml import payload_to_xml
from ecuapass.notifications.models import Notification
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_codes(world):
    """The importer's representative with a second código; a notice in each mailbox."""
    from ecuapass.accounts.models import OceCode

    first = world.importer.oce
    second = OceCode.objects.create(code="29000009", registration=first.registration)
    mine = Notification.objects.create(oce_code=first, subject="Para 29000001", body="a")
    theirs = Notification.objects.create(oce_code=second, subject="Para 29000009", body="b")
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=first, name="erp")
    return {"raw": raw, "first": first, "second": second, "mine": mine, "theirs": theirs}


def _auth(raw):
    return {"HTTP_AUTHORIZATION": f"Token {raw}"}


def test_buzon_api_lists_only_the_tokens_code(client, two_codes):
    auth = _auth(two_codes["raw"])
    subjects = [n["asunto"] for n in client.get("/api/v1/buzon/", **auth).json()["results"]]
    assert "Para 29000001" in subjects and "Para 29000009" not in subjects
    r = client.get("/api/v1/buzon/", HTTP_X_OCE_CODE="29000009", **auth)
    assert r.status_code == 403 and r.json()["error"] == "permission_denied"
    assert client.get("/api/v1/buzon/?oce=29000009", **auth).status_code == 403
    # Naming the token's own code is allowed.
    assert client.get("/api/v1/buzon/", HTTP_X_OCE_CODE="29000001", **auth).status_code == 200


def test_buzon_api_cannot_read_or_mark_another_codes_notice(client, two_codes):
    auth = _auth(two_codes["raw"])
    theirs = two_codes["theirs"]
    r = client.get(f"/api/v1/buzon/{theirs.pk}/?oce=29000009", **auth)
    assert r.status_code == 403
    r = client.get(f"/api/v1/buzon/{theirs.pk}/", **auth)
    assert r.status_code == 404
    assert not theirs.reads.exists()
    assert client.get(f"/api/v1/buzon/{two_codes['mine'].pk}/", **auth).status_code == 200


def test_nul_in_the_oce_parameter_is_a_4xx(client, two_codes):
    r = client.get("/api/v1/buzon/?oce=%00", **_auth(two_codes["raw"]))
    assert 400 <= r.status_code < 500


@pytest.mark.parametrize("page", ["²", "1e3", "-1", "0", "9" * 30])
def test_arancel_api_bad_page_is_a_4xx(client, world, page):
    r = client.get("/api/v1/arancel/", {"q": "cafe", "page": page})
    assert r.status_code in (200, 400, 404), r.status_code
    assert r["Content-Type"].startswith("application/json")
    if r.status_code == 400:
        assert "page" in r.json()["fields"]


def _post(client, raw, body: bytes, content_type="application/json"):
    return client.post("/api/v1/edocs/", body, content_type=content_type, **_auth(raw))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p.update({"clave\u0000": "x"}),
        lambda p: p.update({"extra": "valor\u0000"}),
        lambda p: p.update({"\ud800": "x"}),
        lambda p: p.update({"extra": "\ud800"}),
        lambda p: p["items"][0].update({"nota\u0000": "\ud800"}),
    ],
    ids=["nul-key", "nul-value", "surrogate-key", "surrogate-value", "nested"],
)
def test_nul_and_lone_surrogates_in_json_are_refused(client, world, mutate):
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    payload = dai_payload()
    mutate(payload)
    body = json.dumps(payload).encode()  # json escapes them as \u0000 / \ud800
    r = _post(client, raw, body)
    assert r.status_code == 400, r.content
    assert r.json()["error"] == "parse_error"
    assert "no permitido" in r.json()["detail"]


def test_xml_sent_as_utf16_is_refused_cleanly(client, world):
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    text = payload_to_xml(dai_payload())
    utf16 = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    r = _post(client, raw, utf16, content_type="application/xml")
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == "El XML debe estar codificado en UTF-8."
    # The same document in UTF-8 (with or without a BOM) is accepted and kept as sent.
    r = _post(client, raw, b"\xef\xbb\xbf" + text.encode(), content_type="application/xml")
    assert r.status_code == 202, r.content
    from ecuapass.edocs.models import Envio

    assert Envio.objects.get().payload_xml == text

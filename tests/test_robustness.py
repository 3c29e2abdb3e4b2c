"""Adversarial review of the hard rules: the API never answers 500, portal forms never 500,
an OCE never sees another OCE's data, operational screens need an active OCE, CSRF is enforced."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecuapass.api.models import ApiToken
from ecuapass.edocs.testing import dai_payload
from ecuapass.edocs.tests.fixtures import oce_client, world  # noqa: F401

pytestmark = pytest.mark.django_db

HYPO = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _no_throttle_carry_over():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(world):  # noqa: F811
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    return raw


@pytest.fixture
def api(token):
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def assert_api_4xx(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:500])
    body = response.json()
    assert isinstance(body, dict) and "error" in body and "detail" in body, body


def post_json(client, url, body, content_type="application/json"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url, data=data, content_type=content_type)


# --- 1. The API never answers 500 -------------------------------------------------------------
# Many probes run inside one test each (one world per test keeps the suite quick); failures are
# collected so one run lists every bad answer.


def probe(failures, label, response, ok=(200, 201, 202, 204)):
    if response.status_code in ok:
        return
    if not (400 <= response.status_code < 500):
        failures.append((label, response.status_code, response.content[:200]))
        return
    try:
        body = response.json()
    except ValueError:
        failures.append((label, response.status_code, "not JSON", response.content[:200]))
        return
    if not (isinstance(body, dict) and "error" in body and "detail" in body):
        failures.append((label, response.status_code, body))


MALFORMED = [
    b"{",
    b"[1,2",
    b"\xff\xfe\x00",
    b"null",
    b"1",
    b'"texto"',
    b"[]",
    b"true",
    b"{}",
    b'{"a": NaN}',
    b'{"a": Infinity}',
    b'{"a": 1e999}',
    b"[" * 5000 + b"]" * 5000,
]
WEIRD_NUMBERS = [
    "1e999",
    "NaN",
    "-0",
    "-1",
    "Infinity",
    "-Infinity",
    "1" * 30 + ".5",
    "0." + "1" * 30,
    "1e-999",
    "",
    " ",
    "abc",
    "1,5",
    "0x10",
    "١٢٣",
]
WEIRD_VALUES = [None, {}, [], {"a": 1}, [1, 2], True, 10**40, -(10**40), 1.5e308, "x" * 100_000]
CONTENT_TYPES = [
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "application/yaml",
    "application/json; charset=latin-1",
    "",
    "/",
]
POST_URLS = ["/api/v1/edocs/", "/api/v1/tributos/"]


def test_api_malformed_bodies_and_content_types_are_4xx(api):
    failures = []
    for url in POST_URLS:
        for body in MALFORMED:
            cache.clear()
            probe(failures, (url, body[:20]), post_json(api, url, body), ok=())
        for content_type in CONTENT_TYPES:
            cache.clear()
            r = api.post(url, data=b'{"a": 1}', content_type=content_type)
            probe(failures, (url, content_type), r, ok=())
    assert not failures, failures


XML_BOMBS = [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    b"<Declaration>&lol2;</Declaration>",
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<Declaration>&x;</Declaration>",
    b'<!DOCTYPE Declaration SYSTEM "http://127.0.0.1:1/x.dtd"><Declaration/>',
    b"<Declaration><TypeCode>DAI</TypeCode>",
    b"<Otro/>",
    b"",
    b"not xml at all",
    b"<Declaration>" + b"<GovernmentAgencyGoodsItem/>" * 1000 + b"</Declaration>",
    b'<?xml version="1.0" encoding="latin-9000"?><Declaration/>',
    b'<?xml version="1.0" encoding="utf-16"?><Declaration/>',
    b"<Declaration><Declarant><OceCode><x/></OceCode></Declarant></Declaration>",
    b"\xef\xbb\xbf<Declaration>\xff</Declaration>",
    b"<Declaration><TypeCode>" + b"X" * 100_000 + b"</TypeCode></Declaration>",
    b"<Declaration><TypeCode>DAI</TypeCode><Items>"
    + b"<a>" * 5000
    + b"</a>" * 5000
    + b"</Items></Declaration>",
]


def test_api_hostile_xml_is_4xx(api):
    failures = []
    for content_type in ("application/xml", "text/xml"):
        for body in XML_BOMBS:
            r = api.post("/api/v1/edocs/", data=body, content_type=content_type)
            probe(failures, (content_type, body[:60]), r, ok=())
    assert not failures, failures


def test_api_xml_with_unknown_encoding_is_a_parse_error(api):
    r = api.post(
        "/api/v1/edocs/",
        data=b'<?xml version="1.0" encoding="latin-9000"?><Declaration/>',
        content_type="application/xml",
    )
    assert r.status_code == 400 and r.json()["error"] == "parse_error"


EDOC_PATHS = [
    ("tipo_documento",),
    ("distrito",),
    ("regimen",),
    ("tipo_despacho",),
    ("declarante",),
    ("declarante", "codigo_oce"),
    ("declarante", "ruc"),
    ("importador",),
    ("importador", "ruc"),
    ("documento_transporte",),
    ("documento_transporte", "mrn"),
    ("pais_origen",),
    ("fecha_embarque",),
    ("fecha_llegada",),
    ("incoterm",),
    ("moneda",),
    ("tipo_cambio",),
    ("forma_pago",),
    ("factura",),
    ("factura", "fecha"),
    ("factura", "numero"),
    ("items",),
    ("items", 0),
    ("items", 0, "fob"),
    ("items", 0, "flete"),
    ("items", 0, "seguro"),
    ("items", 0, "subpartida"),
    ("items", 0, "descripcion"),
    ("items", 0, "cantidad_fisica"),
    ("items", 0, "unidad_fisica"),
    ("items", 0, "peso_neto"),
    ("items", 0, "pais_origen"),
]


def test_api_edoc_wrong_types_are_4xx(api):
    failures = []
    for path in EDOC_PATHS:
        for value in WEIRD_VALUES + WEIRD_NUMBERS:
            payload = dai_payload()
            node = payload
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = copy.deepcopy(value)
            r = post_json(api, "/api/v1/edocs/", payload)
            probe(failures, (path, str(value)[:30]), r)
    assert not failures, failures


def test_api_edoc_empty_and_huge_items(api):
    failures = []
    payload = dai_payload()
    payload["items"] = []
    probe(failures, "empty", post_json(api, "/api/v1/edocs/", payload), ok=())
    item = dai_payload()["items"][0]
    payload["items"] = [item] * 1000
    probe(failures, "1000", post_json(api, "/api/v1/edocs/", payload))
    assert not failures, failures


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(WEIRD_NUMBERS),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["fecha", "items", "fob", "flete", "subpartida", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@HYPO
@given(body=json_values)
def test_api_tributos_fuzz_never_500(client, world, body):  # noqa: F811
    cache.clear()
    failures = []
    probe(failures, body, post_json(client, "/api/v1/tributos/", body))
    assert not failures, failures


@HYPO
@given(
    fob=st.one_of(st.sampled_from(WEIRD_NUMBERS), st.integers(), st.floats().map(str)),
    fecha=st.one_of(
        st.sampled_from(["2026-02-30", "0001-01-01", "9999-12-31", "2026-1-1", "hoy"]),
        st.dates().map(str),
    ),
    subpartida=st.one_of(
        st.none(), st.text(max_size=30), st.sampled_from(["0901211000", "0901.21.10.00", "9" * 20])
    ),
    tarifa=st.one_of(st.none(), st.sampled_from(WEIRD_NUMBERS + ["1000", "999.9999"])),
)
def test_api_tributos_item_fuzz_never_500(client, world, fob, fecha, subpartida, tarifa):  # noqa: F811
    cache.clear()
    body = {
        "fecha": fecha,
        "items": [
            {
                "subpartida": subpartida,
                "fob": fob,
                "flete": "1",
                "tarifa_ad_valorem": tarifa,
                "tarifa_ice": tarifa,
            }
        ],
    }
    failures = []
    probe(failures, body, post_json(client, "/api/v1/tributos/", body))
    assert not failures, failures


def test_api_tributos_extremes(client, world):  # noqa: F811
    item = {"subpartida": "0901211000", "fob": "1", "flete": "1"}
    big = {
        "subpartida": "0901211000",
        "fob": "99999999999999.9999",
        "flete": "99999999999999.9999",
        "seguro": "99999999999999.9999",
        "cantidad": "99999999999999.9999",
    }
    failures = []
    for label, body in [
        ("empty", {"fecha": "2026-01-02", "items": []}),
        ("1000", {"fecha": "2026-01-02", "items": [item] * 1000}),
        ("max", {"fecha": "2026-01-02", "items": [big] * 500}),
        (
            "simulated",
            {
                "fecha": "2026-01-02",
                "items": [
                    {"fob": "1e3", "flete": "0", "tarifa_ad_valorem": "1000", "tarifa_ice": "1000"}
                ],
            },
        ),
        ("ancient", {"fecha": "0001-01-01", "items": [item]}),
        ("far", {"fecha": "9999-12-31", "items": [item]}),
    ]:
        cache.clear()
        probe(
            failures,
            label,
            post_json(client, "/api/v1/tributos/", body),
            ok=() if label in ("empty", "1000") else (200,),
        )
    assert not failures, failures


@HYPO
@given(
    amount=st.sampled_from(WEIRD_NUMBERS + ["1" * 30, "99999999999999.9999", "-0.00", "0", "1e2"]),
    field=st.sampled_from(
        [
            "fob",
            "flete",
            "seguro",
            "peso_neto",
            "peso_bruto",
            "cantidad_fisica",
            "cantidad_comercial",
            "tipo_cambio",
        ]
    ),
)
def test_api_edoc_amount_fuzz_never_500(api, amount, field):
    payload = dai_payload()
    if field == "tipo_cambio":
        payload["tipo_cambio"] = amount
    else:
        payload["items"][0][field] = amount
    failures = []
    probe(failures, (field, amount), post_json(api, "/api/v1/edocs/", payload))
    assert not failures, failures


BAD_QUERIES = [
    "page=0",
    "page=-1",
    "page=abc",
    "page=999999",
    "page_size=0",
    "page_size=-5",
    "page_size=abc",
    "page_size=99999999999999999999",
    "fecha=2026-02-30",
    "desde=2026-02-30",
    "hasta=abc",
    "desde=2026-03-01&hasta=2026-01-01",
    "estado=desconocido",
    "periodo=nunca",
    "q=" + "x" * 500,
    "q=%00",
    "numero_entrega=" + "Z" * 500,
    "tipo_documento=%00%00",
    "operacion=xx",
    "periodo=rango",
    "periodo=rango&desde=0001-01-01&hasta=9999-12-31",
    "remitente=" + "a" * 500,
    "asunto=%00",
    "oce=99999999",
    "oce=" + "x" * 300,
    "q=%25%5F%5C",
    "desde=31/02/2026",
    "estado=leido&estado=no_leido",
    "fecha=99999-01-01",
    "q=0901%00",
    "q=" + "9" * 500,
    "fecha=9999-12-31",
    "fecha=0001-01-01",
    "hasta=9999-12-31",
    "desde=0001-01-01",
]
GET_URLS = [
    "/api/v1/edocs/",
    "/api/v1/buzon/",
    "/api/v1/arancel/",
    "/api/v1/arancel/0901211000/",
    "/api/v1/arancel/0901/",
]


def test_api_bad_query_strings_never_500(api, world):  # noqa: F811
    failures = []
    for auth in ("token", "session"):
        if auth == "session":
            api = Client()
            api.force_login(world.importer.user)
        for url in GET_URLS:
            for query in BAD_QUERIES:
                cache.clear()
                probe(failures, (auth, url, query[:40]), api.get(f"{url}?{query}"))
    assert not failures, failures


UNKNOWN = [
    "/api/v1/edocs/NOEXISTE/",
    "/api/v1/edocs/" + "9" * 300 + "/",
    "/api/v1/edocs/%00/",
    "/api/v1/edocs/%E2%80%AE/",
    "/api/v1/buzon/999999999/",
    "/api/v1/buzon/99999999999999999999999/",
    "/api/v1/arancel/abc/",
    "/api/v1/arancel/" + "9" * 300 + "/",
    "/api/v1/arancel/9999999999/",
    "/api/v1/arancel/0901211000/?fecha=2026-02-30",
    "/api/v1/arancel/?q=",
    "/api/v1/nada/",
]


def test_api_unknown_objects_are_4xx(api, world):  # noqa: F811
    failures = []
    api.force_login(world.importer.user)
    for url in UNKNOWN:
        probe(failures, url, api.get(url), ok=())
    assert not failures, failures


BAD_AUTH = [
    "Token",
    "Token a b",
    "Token \x00",
    "Token " + "x" * 5000,
    "Bearer abc",
    "Token ecp_ñ",
    "Basic Zm9vOmJhcg==",
    "Basic !!!",
    "Token ecp_\udcff",
]


def test_api_bad_authorization_is_4xx(world):  # noqa: F811
    failures = []
    for header in BAD_AUTH:
        for url in ["/api/v1/edocs/", "/api/v1/buzon/", "/api/v1/edocs/ABC/", "/api/v1/buzon/1/"]:
            try:
                r = Client(HTTP_AUTHORIZATION=header).get(url)
            except UnicodeEncodeError:
                continue  # the test client cannot even send it
            probe(failures, (header[:20], url), r, ok=())
    assert not failures, failures


def test_api_other_methods_never_500(api, world):  # noqa: F811
    failures = []
    api.force_login(world.importer.user)
    for url in [
        "/api/v1/edocs/",
        "/api/v1/edocs/ABC/",
        "/api/v1/buzon/",
        "/api/v1/buzon/1/",
        "/api/v1/arancel/",
        "/api/v1/arancel/0901211000/",
        "/api/v1/tributos/",
    ]:
        for method in ("put", "patch", "delete", "options", "head", "post", "get"):
            cache.clear()
            if method in ("get", "head", "options"):
                r = getattr(api, method)(url)
            else:
                r = getattr(api, method)(url, data=b"{", content_type="application/json")
            if method == "head":
                assert r.status_code != 500, url
                continue
            probe(failures, (method, url), r)
    assert not failures, failures

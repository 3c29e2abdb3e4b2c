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
from tests.support.world import dai_payload

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
def token(world):
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
def test_api_tributos_fuzz_never_500(client, world, body):
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
def test_api_tributos_item_fuzz_never_500(client, world, fob, fecha, subpartida, tarifa):
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


def test_api_tributos_extremes(client, world):
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


def test_api_bad_query_strings_never_500(api, world):
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


def test_api_unknown_objects_are_4xx(api, world):
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


def test_api_bad_authorization_is_4xx(world):
    failures = []
    for header in BAD_AUTH:
        for url in ["/api/v1/edocs/", "/api/v1/buzon/", "/api/v1/edocs/ABC/", "/api/v1/buzon/1/"]:
            try:
                r = Client(HTTP_AUTHORIZATION=header).get(url)
            except UnicodeEncodeError:
                continue  # the test client cannot even send it
            probe(failures, (header[:20], url), r, ok=())
    assert not failures, failures


def test_api_other_methods_never_500(api, world):
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


# --- 2. Portal forms never 500 on bad input ----------------------------------------------------


def page_ok(failures, label, response, ok=(200, 302)):
    if response.status_code not in ok:
        failures.append((label, response.status_code))


def form_errors(response):
    errors = {}
    for ctx in ("form", "filter_form", "filters"):
        form = response.context and response.context.get(ctx)
        if form is not None and hasattr(form, "errors"):
            errors.update(form.errors)
    return errors


BAD_TEXT = [
    "x" * 5000,
    "\x00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "ñ" * 300,
    "１２３",
]


def test_login_steps_never_500(client, world):
    failures = []
    for ruc in [
        "",
        "abc",
        "0" * 13,
        "9999999999999",
        "x" * 5000,
        "\x00",
        world.importer.operator.ruc,
    ]:
        for username in ["", "rep", "x" * 5000, "\x00"]:
            r = client.post(
                "/ingresar/", {"ruc": ruc, "username": username, "password": "x" * 3000}
            )
            page_ok(failures, ("login", ruc[:15], username[:15]), r, ok=(200,))
    client.force_login(world.importer.user)
    for value in ["", "zz", "x" * 5000, "\x00", "16", "99"]:
        page_ok(failures, ("tipo", value), client.post("/ingresar/tipo-oce/", {"oce_type": value}))
        page_ok(
            failures, ("codigo", value), client.post("/ingresar/codigo-oce/", {"oce_code": value})
        )
        page_ok(
            failures, ("codigo-get", value), client.get("/ingresar/codigo-oce/", {"tipo": value})
        )
    assert not failures, failures


def test_login_with_a_bad_ruc_comes_back_filled_with_a_spanish_message(client, world):
    r = client.post("/ingresar/", {"ruc": "12ab", "username": "rep", "password": "x"})
    assert r.status_code == 200
    assert "ruc" in form_errors(r)
    html = r.content.decode()
    assert 'value="12ab"' in html and 'value="rep"' in html
    assert "RUC" in " ".join(str(e) for e in form_errors(r)["ruc"]) or "RUC" in html


ESTADOS_QUERIES = [
    {"desde": "2026-02-30"},
    {"hasta": "abc"},
    {"desde": "2026-03-01", "hasta": "2026-01-01"},
    {"estado": "desconocido"},
    {"periodo": "nunca"},
    {"q": "x" * 500},
    {"numero_entrega": "Z" * 500},
    {"tipo_documento": "\x00"},
    {"operacion": "xx"},
    {"page": "0"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "999999"},
    {"periodo": "rango", "desde": "0001-01-01", "hasta": "9999-12-31"},
    {"desde": "31/12/9999"},
    {"page": "9" * 40},
    {"q": "%_\\"},
]


def test_estados_filters_never_500(oce_client, world):
    client = oce_client(world.importer)
    failures = []
    for query in ESTADOS_QUERIES:
        page_ok(failures, query, client.get("/edocs/estados/", query), ok=(200,))
    assert not failures, failures


def test_estados_bad_dates_come_back_with_spanish_messages(oce_client, world):
    client = oce_client(world.importer)
    r = client.get("/edocs/estados/", {"desde": "2026-03-01", "hasta": "2026-01-01", "q": "abc"})
    assert "hasta" in form_errors(r)
    assert "La fecha hasta es anterior a la fecha desde." in r.content.decode()
    assert 'value="abc"' in r.content.decode()
    r = client.get("/edocs/estados/", {"desde": "2026-02-30"})
    assert "desde" in form_errors(r)
    r = client.get("/edocs/estados/", {"estado": "desconocido"})
    assert "estado" in form_errors(r)


BUZON_QUERIES = [
    {"desde": "2026-02-30"},
    {"hasta": "abc"},
    {"desde": "2026-03-01", "hasta": "2026-01-01"},
    {"estado": "x"},
    {"remitente": "x" * 500},
    {"asunto": "\x00"},
    {"page": "0"},
    {"page": "abc"},
    {"page": "-1"},
    {"page": "999999"},
    {"hasta": "9999-12-31"},
    {"desde": "0001-01-01"},
    {"page": "9" * 40},
    {"asunto": "%_\\"},
]


def test_buzon_filters_never_500(oce_client, world):
    client = oce_client(world.importer)
    failures = []
    for query in BUZON_QUERIES:
        page_ok(failures, query, client.get("/buzon/", query), ok=(200,))
    r = client.get("/buzon/", {"desde": "2026-02-30", "remitente": "SENAE"})
    assert "Fecha desde: ingrese una fecha válida" in r.content.decode()
    assert 'value="SENAE"' in r.content.decode()
    assert not failures, failures


def test_tariff_search_and_line_never_500(client, world):
    failures = []
    for query in [
        {"q": "x" * 500},
        {"q": "\x00"},
        {"q": "%_\\"},
        {"q": "café", "page": "0"},
        {"q": "café", "page": "abc"},
        {"q": "café", "page": "-1"},
        {"q": "09", "page": "999999"},
        {"q": "9" * 500},
        {"q": "0901", "page": "9" * 40},
        {"q": "!!!"},
        {"q": "'\""},
    ]:
        page_ok(failures, query, client.get("/arancel/", query), ok=(200,))
    for url in [
        "/arancel/0901211000/?fecha=2026-02-30",
        "/arancel/0901211000/?fecha=9999-12-31",
        "/arancel/0901211000/?fecha=0001-01-01",
        "/arancel/abc/",
        "/arancel/" + "9" * 300 + "/",
        "/arancel/seccion/ZZZ/",
        "/arancel/seccion/" + "X" * 300 + "/",
        "/arancel/0901/?fecha=x",
        "/arancel/%00/",
        "/arancel/seccion/%00/",
        "/edocs/documento/1/%00/",
    ]:
        page_ok(failures, url, client.get(url), ok=(200, 302, 400, 404))
    assert not failures, failures


def calc_data(**item):
    data = {
        "fecha": "2026-01-02",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    base = {"subpartida": "0901211000", "fob": "100", "flete": "10", "seguro": "", "cantidad": ""}
    base.update(item)
    data.update({f"items-0-{k}": v for k, v in base.items()})
    return data


def test_calculator_never_500(client, world):
    failures = []
    for field in [
        "fob",
        "flete",
        "seguro",
        "cantidad",
        "tarifa_ad_valorem",
        "tarifa_ice",
        "subpartida",
    ]:
        for value in [
            "abc",
            "1e999",
            "NaN",
            "-0",
            "-1",
            "Infinity",
            "1" * 30,
            "0." + "1" * 30,
            "1,5",
            "x" * 5000,
            "\x00",
            "99999999999999.99",
        ]:
            r = client.post("/arancel/calculadora/", calc_data(**{field: value}))
            page_ok(failures, (field, value[:20]), r, ok=(200,))
    for fecha in ["2026-02-30", "", "abc", "0001-01-01", "9999-12-31"]:
        r = client.post("/arancel/calculadora/", {**calc_data(), "fecha": fecha})
        page_ok(failures, ("fecha", fecha), r, ok=(200,))
    for total in ["abc", "-1", "0", "100000", "", "9" * 30]:
        r = client.post("/arancel/calculadora/", {**calc_data(), "items-TOTAL_FORMS": total})
        page_ok(failures, ("TOTAL_FORMS", total), r, ok=(200,))
        # a forged count never makes the public screen build more rows than it allows (50)
        assert b'name="items-50-' not in r.content, total
    r = client.post(
        "/arancel/calculadora/", {k: v for k, v in calc_data().items() if "FORMS" not in k}
    )
    page_ok(failures, "no management form", r, ok=(200,))
    assert not failures, failures


def test_calculator_letters_in_amount_come_back_filled_with_a_spanish_message(client, world):
    r = client.post("/arancel/calculadora/", calc_data(fob="abc", flete="12.5"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'value="abc"' in html and 'value="12.5"' in html
    assert "FOB" in html and "número" in html.lower()


def test_dai_item_formset_never_builds_more_rows_than_a_dai_may_have():
    from ecuapass.customs.forms import ItemFormSet

    # Django's default would build max_num + 1000 forms from a forged TOTAL_FORMS (a minute of CPU).
    assert ItemFormSet.absolute_max == ItemFormSet.max_num == 999
    assert ItemFormSet.validate_max


def test_dai_editor_never_500(oce_client, world):
    client = oce_client(world.importer)
    page_ok(failures := [], "get", client.get("/declaraciones/dai/nueva/"), ok=(200,))
    base = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-fob": "abc",
        "items-0-subpartida": "0901211000",
        "tipo_cambio": "1e999",
        "fecha_embarque": "2026-02-30",
        "distrito": "\x00",
    }
    for accion in ["", "guardar", "enviar", "agregar", "importar", "validar", "x" * 300]:
        page_ok(
            failures,
            accion,
            client.post("/declaraciones/dai/nueva/", {**base, "accion": accion}),
            ok=(200, 302),
        )
        for total in ["abc", "-1", ""]:
            r = client.post(
                "/declaraciones/dai/nueva/", {**base, "accion": accion, "items-TOTAL_FORMS": total}
            )
            page_ok(failures, (accion[:10], total), r, ok=(200, 302))
    r = client.post("/declaraciones/dai/nueva/", {"accion": "importar"})
    page_ok(failures, "import without file", r, ok=(200, 302))
    from django.core.files.uploadedfile import SimpleUploadedFile

    for name, content in [
        ("x.xlsx", b"not a zip"),
        ("x.xlsx", b"PK\x03\x04garbage"),
        ("x.txt", b""),
    ]:
        upload = SimpleUploadedFile(name, content)
        r = client.post(
            "/declaraciones/dai/nueva/", {**base, "accion": "importar", "archivo": upload}
        )
        page_ok(failures, ("import", content[:10]), r, ok=(200, 302))
    assert not failures, failures


# --- 3. Scoping: an OCE never sees another OCE's data ----------------------------------------


def _send(party, payload):
    from ecuapass.customs.serializers import DaiSerializer
    from ecuapass.edocs import registry, services

    s = DaiSerializer(data=payload)
    assert s.is_valid(), s.errors
    return services.submit_payload(
        registry.get("DAI"),
        s.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document


@pytest.fixture
def foreign(world):
    """The importer's own sent DAI, its draft, and notices with an attachment for it."""
    from ecuapass.edocs import services
    from ecuapass.notifications.services import notify

    sent = _send(world.importer, dai_payload(invoice="SECRETO-1"))
    services.process(sent.pk)
    sent.refresh_from_db()
    draft = services.create_draft(
        __import__("ecuapass.edocs.registry", fromlist=["get"]).get("DAI"),
        oce=world.importer.oce,
        user=world.importer.user,
    )
    to_oce = notify(
        sender="SENAE",
        subject="SECRETO aviso",
        body="SECRETO",
        category="aviso",
        oce_code=world.importer.oce,
        attachments=[("secreto.txt", b"SECRETO")],
    )
    to_user = notify(
        sender="SENAE",
        subject="SECRETO personal",
        body="SECRETO",
        category="aviso",
        user=world.importer.user,
        attachments=[("secreto.txt", b"SECRETO")],
    )
    return {"sent": sent, "draft": draft, "notices": [to_oce, to_user]}


def foreign_urls(foreign):
    sent, draft = foreign["sent"], foreign["draft"]
    urls = [
        f"/edocs/documento/{sent.pk}/",
        f"/edocs/documento/{sent.pk}/original/",
        f"/edocs/documento/{sent.pk}/original/?formato=json",
        f"/edocs/documento/{draft.pk}/",
        f"/declaraciones/dai/{draft.pk}/editar/",
        f"/declaraciones/dai/{sent.pk}/items.xlsx",
        f"/declaraciones/dai/{sent.pk}/dai.pdf",
        f"/declaraciones/dai/{sent.pk}/liquidacion.pdf",
    ]
    for notice in foreign["notices"]:
        urls.append(f"/buzon/{notice.pk}/")
        for a in notice.attachments.all():
            urls.append(f"/buzon/{notice.pk}/adjuntos/{a.pk}/")
    return urls


def test_the_owner_sees_the_fixture_data(oce_client, world, foreign):
    """Sanity check: the URLs really serve content to their owner (so 404 elsewhere means scoping)."""
    client = oce_client(world.importer)
    for url in foreign_urls(foreign):
        assert client.get(url).status_code in (200, 302), url


@pytest.mark.parametrize("who", ["broker", "broker_employee", "other"])
def test_another_oce_never_sees_the_data(oce_client, world, foreign, who):
    from ecuapass.accounts.models import Grant, User
    from tests.support.world import Party

    if who == "broker_employee":
        b = world.broker
        employee = User.objects.create_user(
            b.operator.ruc,
            "empleado",
            "clave-segura-123",
            operator=b.operator,
            kind=User.Kind.EMPLEADO,
        )
        Grant.objects.create(user=employee, oce_code=b.oce, all_options=True)
        party = Party(operator=b.operator, oce=b.oce, user=employee)
    else:
        party = getattr(world, who)
    leaks = []
    client = oce_client(party)
    for url in foreign_urls(foreign):
        r = client.get(url)
        if r.status_code not in (403, 404) or b"SECRETO" in r.content:
            leaks.append((url, r.status_code))
        r = client.post(url, {})
        if r.status_code not in (403, 404, 405) or b"SECRETO" in r.content:
            leaks.append(("POST", url, r.status_code))
    for url in [
        f"/edocs/documento/{foreign['sent'].pk}/copiar/",
        f"/edocs/borrador/{foreign['draft'].pk}/eliminar/",
    ]:
        r = client.post(url)
        if r.status_code not in (403, 404, 405):
            leaks.append(("POST", url, r.status_code))
    # lists never show it either
    for url in ["/edocs/estados/", "/edocs/", "/buzon/", "/edocs/estados/?q=SECRETO"]:
        r = client.get(url)
        if any(
            t in r.content
            for t in (
                foreign["sent"].numero_entrega.encode(),
                b"SECRETO-1",
                b"SECRETO aviso",
                b"SECRETO personal",
            )
        ):
            leaks.append(("list", url))
    # the API, with the other OCE's own token
    _t, raw = ApiToken.issue(user=party.user, oce_code=party.oce, name="erp")
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    for url in [
        f"/api/v1/edocs/{foreign['sent'].numero_entrega}/",
        f"/api/v1/edocs/?numero_entrega={foreign['sent'].numero_entrega}",
        "/api/v1/edocs/?q=SECRETO",
    ]:
        r = api.get(url)
        if (
            r.status_code not in (200, 403, 404)
            or foreign["sent"].numero_entrega.encode() in r.content
        ):
            leaks.append(("api", url, r.status_code))
    api = Client()
    api.force_login(party.user)
    for notice in foreign["notices"]:
        for extra in ({}, {"HTTP_X_OCE_CODE": world.importer.oce.code}):
            r = api.get(f"/api/v1/buzon/{notice.pk}/", **extra)
            if r.status_code not in (403, 404) or b"SECRETO" in r.content:
                leaks.append(("api buzon", notice.pk, extra, r.status_code))
    r = api.get("/api/v1/buzon/", HTTP_X_OCE_CODE=world.importer.oce.code)
    if r.status_code != 403:
        leaks.append(("api buzon list with foreign X-OCE-Code", r.status_code))
    assert not leaks, leaks


def test_a_revoked_or_foreign_token_cannot_read(world, foreign):
    token, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    url = f"/api/v1/edocs/{foreign['sent'].numero_entrega}/"
    assert Client(HTTP_AUTHORIZATION=f"Token {raw}").get(url).status_code == 200
    token.revoke()
    r = Client(HTTP_AUTHORIZATION=f"Token {raw}").get(url)
    assert r.status_code in (401, 403) and b"SECRETO" not in r.content


# --- 4. Operational screens need an active OCE ------------------------------------------------

OPERATIONAL = [
    "/edocs/",
    "/edocs/estados/",
    "/declaraciones/dai/nueva/",
    "/edocs/tokens/",
    "/declaraciones/dai/plantilla-items.xlsx",
]


def test_logged_in_without_an_active_oce_goes_to_the_tipo_de_oce_step(client, world):
    client.force_login(world.importer.user)  # step 1 only: no OCE chosen yet
    wrong = []
    for url in OPERATIONAL:
        r = client.get(url)
        if r.status_code != 302 or "/ingresar/tipo-oce/" not in r["Location"]:
            wrong.append((url, r.status_code, r.get("Location")))
    for url in ["/edocs/estados/", "/declaraciones/dai/nueva/", "/edocs/tokens/"]:
        r = client.post(url, {})
        if r.status_code != 302 or "/ingresar/tipo-oce/" not in r["Location"]:
            wrong.append(("POST", url, r.status_code, r.get("Location")))
    r = client.get("/api/v1/edocs/")
    if r.status_code != 403:
        wrong.append(("api", r.status_code))
    assert not wrong, wrong


# --- 5. CSRF ------------------------------------------------------------------------------------


def test_portal_posts_without_the_csrf_token_are_rejected(world):
    from ecuapass.accounts.context import SESSION_OCE_CODE, SESSION_OCE_TYPE

    client = Client(enforce_csrf_checks=True)
    accepted = []
    r = client.post(
        "/ingresar/",
        {"ruc": world.importer.operator.ruc, "username": "rep", "password": "clave-segura-123"},
    )
    if r.status_code != 403:
        accepted.append(("/ingresar/", r.status_code))
    client.force_login(world.importer.user)
    session = client.session
    session[SESSION_OCE_CODE] = world.importer.oce.code
    session[SESSION_OCE_TYPE] = "16"
    session.save()
    for url, data in [
        ("/ingresar/tipo-oce/", {"oce_type": "16"}),
        ("/ingresar/codigo-oce/", {"oce_code": world.importer.oce.code}),
        ("/declaraciones/dai/nueva/", {"accion": "guardar"}),
        ("/edocs/tokens/", {"name": "erp"}),
        ("/arancel/calculadora/", calc_data()),
        ("/salir/", {}),
        ("/mi-menu/estrella/", {"code": "1.3"}),
        ("/cambiar-oce/", {}),
        ("/sesion/mantener/", {}),
    ]:
        r = client.post(url, data)
        if r.status_code != 403:
            accepted.append((url, r.status_code))
    # the API with a session (no token) is CSRF-protected too
    r = client.post(
        "/api/v1/edocs/", data=json.dumps(dai_payload()), content_type="application/json"
    )
    if r.status_code != 403:
        accepted.append(("/api/v1/edocs/ (session)", r.status_code))
    assert not accepted, accepted

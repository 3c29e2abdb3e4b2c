"""1.3 Integración de estados, the document page and 1.1 lists: filters, scoping, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from ecuapass.edocs.models import EDocument
from tests.support.world import BROKER_CODE, BROKER_NAME, BROKER_RUC, dai_payload

pytestmark = pytest.mark.django_db


def send(party, payload):
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
def docs(world):
    a = send(world.importer, dai_payload(invoice="INV-A"))
    b = send(world.importer, dai_payload(invoice="INV-B", distrito="999"))
    c = send(
        world.broker,
        dai_payload(
            invoice="INV-C",
            declarante={"ruc": BROKER_RUC, "nombre": BROKER_NAME},
            oce_code=BROKER_CODE,
        ),
    )
    services.process(a.pk)
    services.process(b.pk)
    return a, b, c


def numbers(response):
    return [d.numero_entrega for d in response.context["page"].object_list]


def test_estados_lists_the_active_oces_documents_newest_first(
    oce_client, world, docs, django_assert_max_num_queries
):
    a, b, c = docs
    client = oce_client(world.importer)
    with django_assert_max_num_queries(25):
        r = client.get("/edocs/estados/")
    assert r.status_code == 200
    # The importer sees what it filed and what its broker filed for it.
    assert numbers(r) == [c.numero_entrega, b.numero_entrega, a.numero_entrega]
    html = r.content.decode()
    for label in (
        "Tipo de Operación",
        "Título de documento",
        "Número de entrega",
        "Estado",
        "Periodo",
        "Búsqueda en resultados",
        "Consultar",
        "Resultado: 3",
        "Nombre del Documento",
        "Fecha-hora de entrega",
        "Estado de Transmisión",
        "Estado del Documento",
    ):
        assert label in html, label


def test_broker_sees_only_what_it_filed_and_other_importer_sees_nothing(oce_client, world, docs):
    a, b, c = docs
    assert numbers(oce_client(world.broker).get("/edocs/estados/")) == [c.numero_entrega]
    assert numbers(oce_client(world.other).get("/edocs/estados/")) == []


@pytest.mark.parametrize(
    "query, expected",
    [
        ("estado=aforo_cerrado", ["a"]),  # accepted → canal automático → aforo cerrado
        ("estado=rechazado", ["b"]),
        ("estado=error", ["b"]),
        ("estado=recibido", ["c"]),
        ("q=INV-B", ["b"]),
        ("tipo_documento=DAI&operacion=importacion&periodo=hoy", ["c", "b", "a"]),
        ("periodo=rango&desde=2000-01-01&hasta=2000-12-31", []),
        ("periodo=semana", ["c", "b", "a"]),
    ],
)
def test_estados_filters(oce_client, world, docs, query, expected):
    named = dict(zip("abc", docs, strict=True))
    r = oce_client(world.importer).get(f"/edocs/estados/?{query}")
    assert numbers(r) == [named[k].numero_entrega for k in expected]


def test_numero_de_entrega_filter_and_bad_input_message(oce_client, world, docs):
    a = docs[0]
    client = oce_client(world.importer)
    assert numbers(client.get(f"/edocs/estados/?numero_entrega={a.numero_entrega.lower()}")) == [
        a.numero_entrega
    ]
    r = client.get("/edocs/estados/?numero_entrega=123")
    assert r.status_code == 200 and "El número de entrega tiene" in r.content.decode()
    assert 'value="123"' in r.content.decode()  # the form comes back filled


def test_estados_paginates_in_the_database(oce_client, world):
    for n in range(30):
        send(world.importer, dai_payload(invoice=f"P-{n}"))
    client = oce_client(world.importer)
    first = client.get("/edocs/estados/")
    assert len(first.context["page"].object_list) == 25
    second = client.get("/edocs/estados/?page=2")
    assert len(second.context["page"].object_list) == 5
    assert "<td>26</td>" in second.content.decode()


def test_exports_xlsx_and_csv_with_the_filters(oce_client, world, docs):
    client = oce_client(world.importer)
    r = client.get("/edocs/estados/?estado=aforo_cerrado&formato=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("No", "Nombre del Documento", "Número de entrega")
    assert len(rows) == 2 and rows[1][2] == docs[0].numero_entrega
    assert rows[1][5] == "Aforo cerrado"
    r = client.get("/edocs/estados/?formato=csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 4 and lines[0][4] == "Estado de Transmisión"


def test_document_page_shows_errors_history_and_original(oce_client, world, docs):
    a, b, c = docs
    client = oce_client(world.importer)
    r = client.get(f"/edocs/documento/{b.pk}/")
    html = r.content.decode()
    assert "Observaciones" in html and "DAI-101" in html and "distrito" in html
    assert "Historial de estados" in html and "Rechazado" in html
    original = client.get(f"/edocs/documento/{b.pk}/original/")
    assert original["Content-Type"].startswith("application/json")
    assert b'"distrito": "999"' in original.content
    ok = client.get(f"/edocs/documento/{a.pk}/").content.decode()
    year = timezone.localdate().year
    assert f"028-{year}-10-00000001" in ok and "Liquidación" in ok


def test_another_oces_document_is_404_by_url(oce_client, world, docs):
    a, b, c = docs
    client = oce_client(world.other)
    for url in (
        f"/edocs/documento/{a.pk}/",
        f"/edocs/documento/{a.pk}/original/",
        f"/declaraciones/dai/{a.pk}/dai.pdf",
        f"/declaraciones/dai/{a.pk}/liquidacion.pdf",
        f"/declaraciones/dai/{a.pk}/items.xlsx",
        f"/declaraciones/dai/{a.pk}/editar/",
    ):
        assert client.get(url).status_code == 404, url
    # The broker does not see the importer's own filing either.
    assert oce_client(world.broker).get(f"/edocs/documento/{a.pk}/").status_code == 404


def test_elaboracion_lists_types_and_drafts_and_deletes_a_draft(oce_client, world):
    draft = services.create_draft(
        registry.get("DAI"), oce=world.importer.oce, user=world.importer.user
    )
    client = oce_client(world.importer)
    html = client.get("/edocs/").content.decode()
    assert "DAI - Declaración Aduanera de Importación" in html and f"#{draft.pk}" in html
    # Drafts are never in 1.3 nor visible to anyone else.
    assert numbers(client.get("/edocs/estados/")) == []
    assert oce_client(world.other).post(f"/edocs/borrador/{draft.pk}/eliminar/").status_code == 404
    client = oce_client(world.importer)
    assert client.post(f"/edocs/borrador/{draft.pk}/eliminar/").status_code == 302
    assert not EDocument.objects.filter(pk=draft.pk).exists()


def test_a_rejected_document_is_copied_to_a_new_draft_to_correct_it(
    oce_client, world, docs, django_assert_max_num_queries
):
    a, b, c = docs
    client = oce_client(world.importer)
    with django_assert_max_num_queries(30):
        page = client.get(f"/edocs/documento/{b.pk}/")
    assert "Corregir: copiar a un borrador nuevo" in page.content.decode()
    r = client.post(f"/edocs/documento/{b.pk}/copiar/")
    draft = EDocument.objects.drafts().get()
    assert r.status_code == 302 and r["Location"] == f"/declaraciones/dai/{draft.pk}/editar/"
    assert (
        draft.dai.distrito == "999" and draft.dai.items.count() == 3 and draft.reference == "INV-B"
    )
    # Only the filer may copy: the importer sees the broker's filing but cannot copy it.
    assert (
        "copiar a un borrador"
        not in client.get(f"/edocs/documento/{c.pk}/").content.decode().lower()
    )
    assert client.post(f"/edocs/documento/{c.pk}/copiar/").status_code == 404

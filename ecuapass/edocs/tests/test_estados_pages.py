"""Issue 16 §2 / ADR 0009: 1.3's capped count ("más de 10 000") and keyset pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ecuapass.edocs import selectors, views
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.selectors import decode_cursor, encode_cursor

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world):
    """Seven sent documents of the importer, one a minute, two sharing a timestamp."""
    now = timezone.now().replace(microsecond=0)
    oce = world.importer.oce
    docs = []
    for i in range(7):
        sent = now - timedelta(minutes=i if i != 4 else 3)  # 3 and 4 tie on sent_on
        docs.append(
            EDocument.objects.create(
                doc_type="DAI",
                operation="importacion",
                title="DAI",
                filer_oce=oce,
                party_operator=oce.registration.operator,
                numero_entrega=f"{oce.code}2026{i:08d}S",
                channel="S",
                sent_on=sent,
                estado_transmision="recibido",
                estado_documento="registrado",
            )
        )
    expected = sorted(docs, key=lambda d: (d.sent_on, d.pk), reverse=True)
    return [d.numero_entrega for d in expected]


def _numbers(response):
    return [d.numero_entrega for d in response.context["page"].object_list]


def test_cursor_round_trip_and_garbage_is_ignored(many):
    doc = EDocument.objects.get(numero_entrega=many[0])
    at, pk = decode_cursor(encode_cursor(doc))
    assert (at, pk) == (doc.sent_on, doc.pk)
    for bad in ("", "x", "1-", "-1", "9" * 60 + "-1", "12.5-3", "99999999999999999999-1"):
        assert decode_cursor(bad) is None


def test_exact_count_under_the_cap_and_more_than_beyond_it(oce_client, world, many, monkeypatch):
    client = oce_client(world.importer)
    html = client.get("/edocs/estados/").content.decode()
    assert "Resultado: 7" in html
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    response = client.get("/edocs/estados/")
    html = response.content.decode()
    assert "Resultado: más de 5" in html and "Resultado: 7" not in html
    assert response.context["page"].num_pages is None


def test_keyset_pages_walk_forward_and_back_without_gaps_or_repeats(
    oce_client, world, many, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client = oce_client(world.importer)
    first = client.get("/edocs/estados/")
    assert _numbers(first) == many[:3]
    page = first.context["page"]
    assert "Página 1 de 3" in first.content.decode()
    with django_assert_max_num_queries(8):
        second = client.get("/edocs/estados/", {"page": 2, "despues": page.next_cursor})
    assert _numbers(second) == many[3:6]  # the tie on sent_on is ordered by id, not lost
    third = client.get(
        "/edocs/estados/", {"page": 3, "despues": second.context["page"].next_cursor}
    )
    assert _numbers(third) == many[6:]
    assert not third.context["page"].has_next
    html = third.content.decode()
    assert "Anterior</a>" in html and "Siguiente</a>" not in html
    back = client.get(
        "/edocs/estados/", {"page": 2, "antes": third.context["page"].previous_cursor}
    )
    assert _numbers(back) == many[3:6]
    assert back.context["page"].offset == 3
    # A page number without a cursor is an OFFSET; a bad cursor falls back to it.
    assert _numbers(client.get("/edocs/estados/", {"page": 2})) == many[3:6]
    assert _numbers(client.get("/edocs/estados/", {"page": 2, "despues": "zz"})) == many[3:6]


def test_count_query_is_capped(oce_client, world, many):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = oce_client(world.importer)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/edocs/estados/")
    counts = [
        q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "edocs_" in q["sql"]
    ]
    assert len(counts) == 1 and "LIMIT 10001" in counts[0]


def test_warm_1_3_reads_no_menu_grant_or_oce_rows(oce_client, world, many):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = oce_client(world.importer)
    client.get("/edocs/estados/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/edocs/estados/").status_code == 200
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ("portal_menuentry", "accounts_grant", "accounts_ocecode", "portal_grantedoption"):
        assert f'FROM "{table}"' not in sql, table
    # session, user, frame cache, capped count, page, badge cache.
    assert len(ctx.captured_queries) <= 6, [q["sql"][:80] for q in ctx.captured_queries]

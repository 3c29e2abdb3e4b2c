"""3.11.1 Mi página: the registered blocks, scoped to the user and the OCE, cheap."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.accounts.models import Grant, User
from ecuapass.edocs import registry, services
from ecuapass.mipagina import blocks
from ecuapass.notifications.services import notify
from ecuapass.portal.models import GrantedOption, MenuEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def menu(db):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))


def _draft(party):
    return services.create_draft(registry.get("DAI"), oce=party.oce, user=party.user)


def test_representative_sees_own_drafts_and_unread_notices_only(world, oce_client):
    mine = _draft(world.importer)
    theirs = _draft(world.other)
    notify(
        sender="SENAE",
        subject="Aviso para usted",
        body="x",
        category="general",
        user=world.importer.user,
    )
    notify(
        sender="SENAE", subject="Aviso ajeno", body="x", category="general", user=world.other.user
    )
    r = oce_client(world.importer).get("/mi-pagina/")
    assert r.status_code == 200
    html = r.content.decode()
    assert f"/edocs/documento/{mine.pk}/" in html
    assert f"/edocs/documento/{theirs.pk}/" not in html
    assert "Aviso para usted" in html and "Aviso ajeno" not in html
    assert 'data-block="edocs.drafts"' in html and 'data-block="notifications.unread"' in html


def test_blocks_follow_the_employees_grants(world, oce_client):
    employee = User.objects.create_user(
        world.importer.operator.ruc,
        "empleado1",
        "Clave.Segura.2026",
        operator=world.importer.operator,
        first_name="E",
        last_name="M",
        kind=User.Kind.EMPLEADO,
    )
    grant = Grant.objects.create(user=employee, oce_code=world.importer.oce)
    _draft(world.importer)
    world.importer.user = employee
    html = oce_client(world.importer).get("/mi-pagina/").content.decode()
    assert 'data-block="edocs.drafts"' not in html
    assert 'data-block="notifications.unread"' in html
    entry = MenuEntry.objects.get(number="1.1")
    GrantedOption.objects.create(grant=grant, entry=entry)
    html = oce_client(world.importer).get("/mi-pagina/").content.decode()
    assert 'data-block="edocs.drafts"' in html


def test_a_registered_block_shows_and_the_page_stays_cheap(world, oce_client):
    calls = []

    def rows(ctx):
        calls.append(ctx)
        return [blocks.Item(label=f"fila {i}", url="/x/") for i in range(20)]

    blocks.register(blocks.Block(key="test.block", title="Bloque de prueba", rows=rows, order=1))
    try:
        for _ in range(3):
            _draft(world.importer)
        client = oce_client(world.importer)
        client.get("/mi-pagina/")  # warm the session and caches
        with CaptureQueriesContext(connection) as few:
            client.get("/mi-pagina/")
        for _ in range(10):
            _draft(world.importer)
        with CaptureQueriesContext(connection) as many:
            r = client.get("/mi-pagina/")
        html = r.content.decode()
        assert "Bloque de prueba" in html
        assert html.count("fila ") == blocks.DEFAULT_LIMIT  # a block never shows more than a page
        assert calls[-1].oce == world.importer.oce
        assert len(many) == len(few)  # independent of how many rows exist
        assert len(many) < 40
    finally:
        blocks.unregister("test.block")


def test_anonymous_goes_to_login(client):
    r = client.get("/mi-pagina/")
    assert r.status_code == 302 and "/ingresar/" in r["Location"]


def test_tiempos_de_despacho_median_per_canal(world, oce_client):
    from datetime import timedelta

    from django.utils import timezone

    from ecuapass.edocs.models import EDocument, StatusChange

    now = timezone.now()

    def released(canal, hours, oce=world.importer.oce, days_ago=1):
        sent = now - timedelta(days=days_ago, hours=hours)
        doc = EDocument.objects.create(
            doc_type="DAI",
            operation="importacion",
            title="DAI",
            filer_oce=oce,
            sent_on=sent,
            canal_aforo=canal,
            estado_documento="salida_autorizada",
        )
        StatusChange.objects.create(
            document=doc,
            field="documento",
            transition="autorizar_salida",
            from_state="aforo",
            to_state="salida_autorizada",
            at=sent + timedelta(hours=hours),
        )

    released("documental", 2)
    released("documental", 4)
    released("documental", 10)
    released("automatico", 1)
    released("documental", 50, days_ago=120)  # outside the 90 days
    released("documental", 99, oce=world.other.oce)  # another operator's
    html = oce_client(world.importer).get("/mi-pagina/").content.decode()
    assert "Aforo documental: mediana 4 h 0 min" in html
    assert "3 trámites" in html
    assert "Aforo automático: mediana 1 h 0 min" in html


def test_a_user_without_oce_has_a_page_too(client):
    from ecuapass.accounts.tests.factories import UserFactory

    citizen = UserFactory(operator=None, kind=User.Kind.USUARIO_GENERAL, username="ciudadano")
    notify(sender="SENAE", subject="Aviso personal", body="x", category="general", user=citizen)
    client.force_login(citizen, backend="ecuapass.accounts.backends.RucUserBackend")
    r = client.get("/mi-pagina/")
    html = r.content.decode()
    assert r.status_code == 200 and "Aviso personal" in html
    assert 'data-block="edocs.drafts"' not in html

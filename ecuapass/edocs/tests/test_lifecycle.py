"""The lifecycle engine: a type's transitions, their actors, conditions, history and notices."""

from __future__ import annotations

import json

import pytest

from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import lifecycle, registry, services
from ecuapass.edocs.lifecycle import TransitionNotAllowed
from ecuapass.edocs.models import EDocument, StatusChange
from ecuapass.notifications.models import Notification
from tests.support.world import BROKER_CODE, BROKER_NAME, BROKER_RUC, dai_payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def accepted_stays_accepted(monkeypatch):
    """These tests drive the DAI's lifecycle by hand: the despacho does not open by itself."""
    monkeypatch.setattr(type(registry.get("DAI")), "after_acceptance", lambda self, edoc: None)


def accepted(party, **payload_overrides) -> EDocument:
    payload = dai_payload(**payload_overrides)
    serializer = DaiSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    edoc = services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document
    assert services.process(edoc.pk) == "aceptado"
    edoc.refresh_from_db()
    return edoc


@pytest.fixture
def tecnico(monkeypatch, django_user_model):
    """A user holding the técnico role for distrito 028 only (the role check is the officers' app's)."""
    user = django_user_model.objects.create_user(
        "0968562020001", "tecnico-prueba", "x", first_name="T", last_name="A", kind="funcionario"
    )
    monkeypatch.setitem(
        lifecycle._ACTORS,
        "tecnico_aforador",
        ("Técnico", lambda u, edoc: u.pk == user.pk and edoc.distrito == "028"),
    )
    return user


def test_acceptance_records_the_distrito_of_the_content(world):
    edoc = accepted(world.importer)
    assert edoc.distrito == "028"


def test_canal_needs_its_condition_and_only_a_process_assigns_it(world, tecnico):
    edoc = accepted(world.importer)
    with pytest.raises(TransitionNotAllowed):
        lifecycle.fire(edoc, "asignar_canal", process="motor-de-riesgo")  # no canal yet
    with pytest.raises(TransitionNotAllowed):
        lifecycle.fire(edoc, "asignar_canal", user=tecnico, before=_set_canal("documental"))

    edoc = lifecycle.fire(
        edoc, "asignar_canal", process="motor-de-riesgo", before=_set_canal("documental")
    )
    assert edoc.estado_documento == "canal_asignado" and edoc.canal_aforo == "documental"
    assert edoc.get_estado_documento_display() == "Canal de aforo asignado"


def _set_canal(canal):
    def before(locked):
        locked.canal_aforo = canal
        locked.save(update_fields=["canal_aforo"])

    return before


def test_aforo_by_the_tecnico_of_the_distrito_writes_history_with_role_and_ip(world, tecnico):
    edoc = accepted(world.importer)
    edoc = lifecycle.fire(edoc, "asignar_canal", process="riesgo", before=_set_canal("documental"))
    # The importer (filer) is not an actor of the aforo.
    with pytest.raises(TransitionNotAllowed):
        lifecycle.fire(edoc, "iniciar_aforo", user=world.importer.user, oce=world.importer.oce)
    assert [t.name for t in lifecycle.allowed(edoc, user=tecnico)] == ["iniciar_aforo"]
    lifecycle.fire(edoc, "iniciar_aforo", user=tecnico, ip="10.1.2.3")
    edoc = lifecycle.fire(edoc, "cerrar_aforo", user=tecnico, note="Conforme.", ip="10.1.2.3")
    assert edoc.estado_documento == "aforo_cerrado"
    rows = list(StatusChange.objects.filter(document=edoc, field="documento").order_by("id"))
    assert [r.to_state for r in rows][-3:] == ["canal_asignado", "en_aforo", "aforo_cerrado"]
    last = rows[-1]
    assert (last.by_user, last.by_role, last.ip, last.note) == (
        tecnico,
        "tecnico_aforador",
        "10.1.2.3",
        "Conforme.",
    )
    assert rows[-3].by_process == "riesgo" and rows[-3].by_role == "process"


def test_an_officer_of_another_distrito_cannot_act(world, tecnico):
    edoc = accepted(world.importer)
    edoc = lifecycle.fire(
        edoc, "asignar_canal", process="riesgo", before=_set_canal("fisico_intrusivo")
    )
    EDocument.objects.filter(pk=edoc.pk).update(distrito="019")
    edoc.refresh_from_db()
    assert lifecycle.allowed(edoc, user=tecnico) == []
    with pytest.raises(TransitionNotAllowed):
        lifecycle.fire(edoc, "iniciar_aforo", user=tecnico)
    assert EDocument.objects.get(pk=edoc.pk).estado_documento == "canal_asignado"


def test_wrong_source_state_is_refused_and_nothing_changes(world, tecnico):
    edoc = accepted(world.importer)
    with pytest.raises(TransitionNotAllowed, match="Aceptado"):
        lifecycle.fire(edoc, "cerrar_aforo", user=tecnico)
    with pytest.raises(TransitionNotAllowed):
        lifecycle.fire(edoc, "no-existe", user=tecnico)
    assert EDocument.objects.get(pk=edoc.pk).estado_documento == "aceptado"


def test_canal_automatico_closes_without_an_officer(world, tecnico):
    edoc = accepted(world.importer)
    edoc = lifecycle.fire(edoc, "asignar_canal", process="riesgo", before=_set_canal("automatico"))
    with pytest.raises(TransitionNotAllowed):
        lifecycle.fire(edoc, "iniciar_aforo", user=tecnico)  # condition: needs an officer
    edoc = lifecycle.fire(edoc, "cerrar_aforo_automatico", process="riesgo")
    assert edoc.estado_documento == "aforo_cerrado"


def test_transition_notice_reaches_the_broker_and_the_importer(world):
    from tests.support.world import make_party

    broker = world.broker
    make_party(BROKER_RUC, BROKER_NAME, "01", BROKER_CODE)
    edoc = accepted(
        broker,
        declarante={"ruc": BROKER_RUC, "nombre": BROKER_NAME},
        oce_code=BROKER_CODE,
    )
    before = Notification.objects.count()
    lifecycle.fire(edoc, "asignar_canal", process="riesgo", before=_set_canal("documental"))
    notices = Notification.objects.order_by("id")[before:]
    assert {n.oce_code.code for n in notices} == {BROKER_CODE, "29000001"}
    assert all("CANAL DE AFORO ASIGNADO" in n.subject for n in notices)
    assert all("Aforo documental" in n.body for n in notices)


def test_1_3_filters_by_a_lifecycle_state(world, client):
    from ecuapass.edocs.states import document_values

    assert {"canal_asignado", "en_aforo", "aforo_cerrado"} <= document_values()
    edoc = accepted(world.importer)
    lifecycle.fire(edoc, "asignar_canal", process="riesgo", before=_set_canal("documental"))
    from ecuapass.accounts.tests.factories import login

    login(client, world.importer.user, world.importer.oce)
    page = client.get("/edocs/estados/", {"estado": "canal_asignado"}).content.decode()
    assert edoc.numero_entrega in page and "Canal de aforo asignado" in page
    page = client.get("/edocs/estados/", {"estado": "en_aforo"}).content.decode()
    assert edoc.numero_entrega not in page


def test_api_schema_describes_every_field_of_the_detail(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    detail = components["EdocDetail"]["properties"]
    assert {"historial", "errores", "contenido", "estado_documento_nombre"} <= set(detail)
    assert components["History"]["properties"]["rol"]
    dai = components["DaiOutput"]["properties"]
    assert {"importador_ruc", "items", "liquidacion", "distrito"} <= set(dai)


def test_api_detail_shows_the_types_content_and_the_lifecycle_state_label(client, world):
    from ecuapass.api.models import ApiToken

    edoc = accepted(world.importer)
    lifecycle.fire(edoc, "asignar_canal", process="riesgo", before=_set_canal("documental"))
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="t")
    d = client.get(
        f"/api/v1/edocs/{edoc.numero_entrega}/", HTTP_AUTHORIZATION=f"Token {raw}"
    ).json()
    assert d["estado_documento"] == "canal_asignado"
    assert d["estado_documento_nombre"] == "Canal de aforo asignado"
    assert d["canal_aforo"] == "documental"
    assert d["historial"][-1]["rol"] == "process"
    assert d["contenido"]["liquidacion"]["totales"]["total_tributos"]


def test_api_requires_the_document_type(client, world):
    from ecuapass.api.models import ApiToken

    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="t")
    payload = dai_payload()
    del payload["tipo_documento"]
    r = client.post(
        "/api/v1/edocs/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {raw}",
    )
    assert r.status_code == 400 and "tipo_documento" in r.json()["fields"]


def test_every_registered_state_and_transition_fits_the_columns():
    """A type's lifecycle is data: its values must fit the engine's columns (PostgreSQL enforces it)."""
    limits = {
        "estado_documento": EDocument._meta.get_field("estado_documento").max_length,
        "to_state": StatusChange._meta.get_field("to_state").max_length,
        "transition": StatusChange._meta.get_field("transition").max_length,
    }
    for doc_type in registry.all_types():
        for state, _label in doc_type.lifecycle.states:
            assert len(state) <= min(limits["estado_documento"], limits["to_state"]), state
        for t in doc_type.lifecycle.transitions:
            assert len(t.name) <= limits["transition"], t.name
            assert len(t.target) <= limits["to_state"], t.target


def test_operators_see_officers_by_role_never_by_name(client, world, tecnico):
    from ecuapass.accounts.tests.factories import login
    from ecuapass.api.models import ApiToken

    edoc = accepted(world.importer)
    edoc = lifecycle.fire(edoc, "asignar_canal", process="riesgo", before=_set_canal("documental"))
    lifecycle.fire(edoc, "iniciar_aforo", user=tecnico)
    login(client, world.importer.user, world.importer.oce)
    page = client.get(f"/edocs/documento/{edoc.pk}/").content.decode()
    assert "tecnico-prueba" not in page and "(Técnico)" in page
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="t")
    d = client.get(
        f"/api/v1/edocs/{edoc.numero_entrega}/", HTTP_AUTHORIZATION=f"Token {raw}"
    ).json()
    last = d["historial"][-1]
    assert (last["usuario"], last["rol"]) == (None, "tecnico_aforador")

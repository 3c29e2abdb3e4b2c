"""Roles and distritos: the officers' rules and the lifecycle actors they register."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ecuapass.accounts.tests.factories import OceCodeFactory, UserFactory
from ecuapass.edocs import lifecycle
from ecuapass.edocs.lifecycle import TransitionNotAllowed
from ecuapass.edocs.models import EDocument, StatusChange
from ecuapass.officers.models import Officer
from ecuapass.officers.roles import Role
from ecuapass.officers.services import forget, officer_of, officers_for

from .factories import make_officer

pytestmark = pytest.mark.django_db


def test_the_roles_are_the_designs():
    assert {r.value for r in Role} == {
        "tecnico_aforador",
        "supervisor",
        "analista_riesgo",
        "administrador",
    }
    assert Role.TECNICO == "tecnico_aforador" and Role.ANALISTA == "analista_riesgo"


def test_every_role_is_a_registered_lifecycle_actor():
    for role in Role:
        assert role.value in lifecycle._ACTORS
        assert lifecycle.actor_label(role.value) == str(role.label)


def test_officer_of_is_the_active_profile_only():
    officer = make_officer([Role.TECNICO])
    assert officer_of(officer.user) == officer
    assert officer_of(UserFactory()) is None
    inactive = make_officer([Role.TECNICO], active=False)
    assert officer_of(inactive.user) is None
    suspended = make_officer([Role.TECNICO])
    suspended.user.state = "suspendido"
    suspended.user.save()
    assert officer_of(suspended.user) is None


def test_roles_and_distritos_are_read_from_the_rows():
    officer = make_officer([Role.TECNICO, Role.SUPERVISOR], ["028", "019"])
    officer = officer_of(officer.user)
    assert officer.roles == {"tecnico_aforador", "supervisor"}
    assert officer.distrito_codes == {"028", "019"}
    assert officer.has_role(Role.SUPERVISOR) and not officer.has_role(Role.ANALISTA)
    assert officer.covers("019") and not officer.covers("055")
    officer.set_roles([Role.ANALISTA])
    assert officer.roles == {"analista_riesgo"}
    with pytest.raises(ValueError):
        officer.set_roles(["jefe"])


def test_an_administrador_acts_in_every_distrito():
    admin = make_officer([Role.ADMIN, Role.SUPERVISOR], distritos=())
    assert admin.acts_everywhere
    assert admin.may_act_as(Role.SUPERVISOR, "055")
    assert admin.may_act_as(Role.ADMIN, "019")
    assert not admin.may_act_as(Role.TECNICO, "028")  # all distritos, not all roles


def test_only_a_funcionario_may_be_an_officer():
    officer = Officer(user=UserFactory())  # a representative
    with pytest.raises(ValidationError, match="funcionario"):
        officer.full_clean()


def test_officers_for_a_distrito_and_role():
    a = make_officer([Role.TECNICO], ["028"], username="tecnico-a")
    b = make_officer([Role.TECNICO, Role.SUPERVISOR], ["028", "019"], username="tecnico-b")
    make_officer([Role.TECNICO], ["019"])
    make_officer([Role.SUPERVISOR], ["028"])
    make_officer([Role.TECNICO], ["028"], active=False)
    make_officer([Role.ADMIN, Role.TECNICO], distritos=())  # acts everywhere, assigned nowhere
    assert list(officers_for("028", Role.TECNICO)) == [a, b]
    assert list(officers_for("019", Role.SUPERVISOR)) == [b]
    assert list(officers_for("055", Role.TECNICO)) == []


# --- the registered checks, per role and distrito ---------------------------------------


def _edoc(distrito: str) -> EDocument:
    return EDocument(doc_type="DAI", distrito=distrito)


@pytest.mark.parametrize("role", list(Role))
def test_each_roles_check_needs_the_role_and_the_distrito(role):
    check = lifecycle._ACTORS[role.value][1]
    holder = make_officer([role], ["028"]).user
    others = [r for r in Role if r is not role and r is not Role.ADMIN]
    other = make_officer(others, ["028"]).user
    assert check(holder, _edoc("028"))
    assert check(holder, _edoc("019")) is (role is Role.ADMIN)
    assert not check(other, _edoc("028"))
    assert not check(UserFactory(), _edoc("028"))


def test_a_deactivated_officer_loses_every_check_at_once():
    officer = make_officer([Role.TECNICO], ["028"])
    check = lifecycle._ACTORS[Role.TECNICO][1]
    assert check(officer.user, _edoc("028"))
    Officer.objects.filter(pk=officer.pk).update(active=False)
    forget(officer.user)
    assert not check(officer.user, _edoc("028"))


# --- through the engine: a DAI in canal documental of distrito 028 -----------------------


def _dai(distrito: str) -> EDocument:
    return EDocument.objects.create(
        doc_type="DAI",
        operation="importacion",
        title="DAI",
        filer_oce=OceCodeFactory(),
        numero_entrega=f"028-2026-99-{distrito}",
        estado_documento="canal_asignado",
        canal_aforo="documental",
        distrito=distrito,
    )


def test_the_tecnico_of_the_distrito_fires_and_the_history_keeps_role_and_ip():
    tecnico = make_officer([Role.TECNICO], ["028"]).user
    edoc = _dai("028")
    assert [t.name for t in lifecycle.allowed(edoc, user=tecnico)] == ["iniciar_aforo"]
    lifecycle.fire(edoc, "iniciar_aforo", user=tecnico, ip="10.0.0.7")
    change = StatusChange.objects.get(document=edoc, transition="iniciar_aforo")
    assert (change.by_user, change.by_role, change.ip) == (tecnico, "tecnico_aforador", "10.0.0.7")


def test_a_tecnico_of_another_distrito_cannot_act():
    tecnico = make_officer([Role.TECNICO], ["019"]).user
    edoc = _dai("028")
    assert lifecycle.allowed(edoc, user=tecnico) == []
    with pytest.raises(TransitionNotAllowed):
        lifecycle.fire(edoc, "iniciar_aforo", user=tecnico)
    assert EDocument.objects.get(pk=edoc.pk).estado_documento == "canal_asignado"


def test_supervisor_and_administrador_may_annul_but_not_the_analista():
    edoc = _dai("028")
    supervisor = make_officer([Role.SUPERVISOR], ["028"]).user
    admin = make_officer([Role.ADMIN], distritos=()).user
    analista = make_officer([Role.ANALISTA], ["028"]).user
    assert "anular" in [t.name for t in lifecycle.allowed(edoc, user=supervisor)]
    assert "anular" in [t.name for t in lifecycle.allowed(edoc, user=admin)]
    assert lifecycle.allowed(edoc, user=analista) == []

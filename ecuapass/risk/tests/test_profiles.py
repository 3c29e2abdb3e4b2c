"""Profiles: versions (never edited in place once approved), four-eyes approval, deactivation,
validation of the conditions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ecuapass.accounts.models import User
from ecuapass.core.models import Country, CustomsRegime
from ecuapass.edocs.states import CanalAforo as C
from ecuapass.risk import services
from ecuapass.risk.models import RiskProfile, RiskProfileEvent

pytestmark = pytest.mark.django_db

DATA = {
    "name": "Calzado de China",
    "description": "Alerta de subvaloración",
    "subpartida_prefix": "64.03",
    "pais_origen": "cn",
    "canal": C.DOCUMENTAL,
    "sampling_pct": Decimal("100"),
    "priority": 20,
    "valid_from": timezone.localdate(),
}


@pytest.fixture
def people(db):
    Country.objects.get_or_create(code="CN", defaults={"name": "China"})
    Country.objects.get_or_create(code="BR", defaults={"name": "Brasil"})
    CustomsRegime.objects.get_or_create(code="10", defaults={"name": "Consumo"})

    def user(name):
        return User.objects.create_user(
            "0968562020001", name, "x", kind=User.Kind.FUNCIONARIO, first_name=name
        )

    return user("ana"), user("beto"), user("carla")


def test_a_new_profile_is_a_normalised_draft_not_in_force(people):
    ana, _, _ = people
    profile = services.create_profile(DATA, user=ana, ip="10.0.0.5")
    assert (profile.code, profile.version) == ("PR-0001", 1)
    assert (profile.subpartida_prefix, profile.pais_origen) == ("6403", "CN")
    assert not profile.is_approved
    assert services.profiles_in_force(timezone.localdate()) == []
    event = profile.events.get()
    assert (event.action, event.by_user, event.ip) == ("creado", ana, "10.0.0.5")
    assert services.create_profile(DATA, user=ana).code == "PR-0002"


def test_four_eyes_the_author_or_an_editor_cannot_approve(people):
    ana, beto, carla = people
    profile = services.create_profile(DATA, user=ana)
    with pytest.raises(ValidationError, match="Cuatro ojos"):
        services.approve_profile(profile, user=ana)
    # Beto changes the draft: now neither of them may approve it.
    services.revise_profile(profile, {**DATA, "priority": 5}, user=beto)
    with pytest.raises(ValidationError, match="Cuatro ojos"):
        services.approve_profile(profile, user=beto)
    approved = services.approve_profile(profile, user=carla)
    assert (approved.approved_by, approved.version) == (carla, 1)
    assert approved.approved_on is not None
    assert services.profiles_in_force(timezone.localdate()) == [approved]
    with pytest.raises(ValidationError, match="ya está aprobada"):
        services.approve_profile(profile, user=ana)


def test_an_approved_version_is_never_changed_a_change_is_a_new_version(people):
    ana, beto, carla = people
    v1 = services.approve_profile(services.create_profile(DATA, user=ana), user=beto)
    # The model refuses to change an approved version in place.
    v1.sampling_pct = Decimal("50")
    with pytest.raises(ValidationError, match="un cambio es una versión nueva"):
        v1.save()
    v1.refresh_from_db()
    with pytest.raises(ValidationError):
        v1.delete()

    v2 = services.revise_profile(v1, {**DATA, "canal": C.FISICO_INTRUSIVO}, user=carla)
    assert (v2.code, v2.version, v2.supersedes, v2.is_approved) == (v1.code, 2, v1, False)
    v1.refresh_from_db()
    assert v1.canal == C.DOCUMENTAL  # untouched
    assert v2.events.get().action == RiskProfileEvent.Action.NEW_VERSION
    # One draft per profile: changing v1 again while v2 waits is refused.
    with pytest.raises(ValidationError, match="ya tiene la versión 2 en borrador"):
        services.revise_profile(v1, DATA, user=carla)
    # The draft changes in place.
    same = services.revise_profile(v2, {**DATA, "canal": C.FISICO_NO_INTRUSIVO}, user=carla)
    assert same.pk == v2.pk and same.canal == C.FISICO_NO_INTRUSIVO
    # Until v2 is approved, v1 is in force; then v2 replaces it.
    today = timezone.localdate()
    assert services.profiles_in_force(today) == [v1]
    services.approve_profile(v2, user=ana)
    assert services.profiles_in_force(today) == [RiskProfile.objects.get(pk=v2.pk)]


def test_a_version_starting_later_leaves_the_previous_one_in_force_until_then(people):
    ana, beto, _ = people
    today = timezone.localdate()
    v1 = services.approve_profile(services.create_profile(DATA, user=ana), user=beto)
    later = today + timedelta(days=7)
    v2 = services.revise_profile(v1, {**DATA, "valid_from": later}, user=ana)
    v2 = services.approve_profile(v2, user=beto)
    assert services.profiles_in_force(today) == [v1]
    assert services.profiles_in_force(later) == [v2]


def test_deactivation_takes_the_whole_profile_out_of_force_and_a_new_version_returns_it(people):
    ana, beto, _ = people
    today = timezone.localdate()
    v1 = services.approve_profile(services.create_profile(DATA, user=ana), user=beto)
    v2 = services.approve_profile(services.revise_profile(v1, DATA, user=ana), user=beto)
    with pytest.raises(ValidationError, match="motivo"):
        services.deactivate_profile(v2, user=ana, note="  ")
    assert services.deactivate_profile(v2, user=ana, note="Alerta cerrada", ip="10.0.0.9") == 2
    assert services.profiles_in_force(today) == []  # not even the older v1
    v2.refresh_from_db()
    assert (v2.active, v2.deactivated_by, v2.deactivation_note) == (False, ana, "Alerta cerrada")
    v3 = services.approve_profile(services.revise_profile(v2, DATA, user=ana), user=beto)
    assert services.profiles_in_force(today) == [v3]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subpartida_prefix", "64x", "no es un código arancelario"),
        ("subpartida_prefix", "640", "2, 4, 6, 8 o 10 dígitos"),
        ("pais_origen", "ZZ", "País de origen: «ZZ» no está en el catálogo"),
        ("regimen", "99", "Régimen aduanero: «99» no está en el catálogo"),
        ("importer_ruc", "0991003002000", "RUC"),
        ("valid_to", timezone.localdate() - timedelta(days=1), "no puede ser anterior"),
        ("sampling_pct", Decimal("0"), ""),
        ("sampling_pct", Decimal("101"), ""),
    ],
)
def test_bad_conditions_are_refused_naming_the_field_and_nothing_is_saved(
    people, field, value, message
):
    ana, _, _ = people
    with pytest.raises(ValidationError) as info:
        services.create_profile({**DATA, field: value}, user=ana)
    assert field in info.value.message_dict
    assert message in " ".join(info.value.message_dict[field])
    assert not RiskProfile.objects.exists()


def test_a_profile_without_conditions_is_the_random_layer(people):
    ana, _, _ = people
    profile = services.create_profile(
        {"name": "Muestreo", "canal": C.ELECTRONICO, "sampling_pct": Decimal("5")}, user=ana
    )
    assert profile.is_random_layer
    assert not services.create_profile(DATA, user=ana).is_random_layer

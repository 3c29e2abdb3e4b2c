"""Users created in the back office: the password rules see the new user's own data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecuapass.accounts.models import User
from ecuapass.officers.tests.factories import login_verified

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    officer = UserFactory(
        operator=None,
        login_ruc="0968562020001",
        username="func",
        kind=User.Kind.FUNCIONARIO,
        is_staff=True,
        is_superuser=True,
    )
    return login_verified(client, officer)


def add_user(client, username, password, **extra):
    data = {
        "login_ruc": "1710000009",
        "username": username,
        "kind": User.Kind.USUARIO_GENERAL,
        "first_name": "Rosa",
        "last_name": "Quishpe",
        "email": "rosa.quishpe@example.com",
        "password1": password,
        "password2": password,
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
        **extra,
    }
    return client.post(reverse("admin:accounts_user_add"), data)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("pwtestuser1", "pwtestuser1"),  # the ID Usuario itself
        ("rquishpe", "RosaQuishpe"),  # the names
        ("rquishpe", "rosa.quishpe@example"),  # the e-mail
        ("rquishpe", "1710000009x"),  # the RUC / cédula
    ],
)
def test_a_password_like_the_new_users_own_data_is_refused(officer_client, username, password):
    response = add_user(officer_client, username, password)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "password2" in errors, errors
    assert "demasiado similar" in " ".join(errors["password2"])
    assert not User.objects.filter(username=username).exists()


def test_a_sound_password_creates_the_user(officer_client):
    response = add_user(officer_client, "pwtestuser1", "Volcan.Cotopaxi.5897")
    assert response.status_code == 302
    user = User.objects.get(login_ruc="1710000009", username="pwtestuser1")
    assert user.login_key == "1710000009:pwtestuser1"
    assert user.check_password("Volcan.Cotopaxi.5897")


def test_mismatched_passwords_are_named(officer_client):
    response = add_user(
        officer_client, "rquishpe", "Volcan.Cotopaxi.5897", password2="Volcan.Chimborazo.6310"
    )
    assert response.status_code == 200
    assert "Las contraseñas no coinciden." in response.content.decode()
    assert not User.objects.filter(username="rquishpe").exists()

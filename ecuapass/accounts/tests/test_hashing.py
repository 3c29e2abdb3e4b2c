"""Passwords are stored with Argon2 (the rest of the suite uses a fast hasher)."""

import pytest
from django.contrib.auth.hashers import identify_hasher


@pytest.mark.real_hasher
@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(django_user_model):
    user = django_user_model.objects.create_user(
        "0991003002001", "hash", "Clave.Segura.2026", kind="empleado"
    )
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("Clave.Segura.2026")

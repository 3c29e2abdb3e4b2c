"""The back office opens only to staff in a session that passed the second factor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecuapass.accounts.models import User
from ecuapass.officers.second_factor import current_code
from ecuapass.officers.tests.factories import add_totp, login_verified

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def staff(**extra):
    return UserFactory(
        operator=None,
        login_ruc="0968562020001",
        username="backoffice",
        kind=User.Kind.FUNCIONARIO,
        is_staff=True,
        is_superuser=True,
        **extra,
    )


def admin_url(settings, tail=""):
    return "/" + settings.ADMIN_URL + tail


def test_staff_without_the_second_factor_are_sent_to_enrol_not_served(client, settings):
    user = staff()
    client.force_login(user, backend="ecuapass.accounts.backends.RucUserBackend")
    for url in (admin_url(settings), reverse("admin:accounts_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("interno:verificar")
    page = client.get(reverse("interno:verificar"))
    assert page.context["enrolling"] and page.context["secret"]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("interno:verificar"), {"code": current_code(device)})
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_staff_with_a_device_must_still_verify_this_session(client, settings):
    user = staff()
    add_totp(user)
    client.force_login(user, backend="ecuapass.accounts.backends.RucUserBackend")
    assert client.get(admin_url(settings))["Location"] == reverse("interno:verificar")
    assert not client.get(reverse("interno:verificar")).context["enrolling"]


def test_a_verified_staff_session_is_served(client, settings):
    login_verified(client, staff())
    assert client.get(admin_url(settings)).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_the_admin_site_itself_refuses_an_unverified_session(client, settings):
    """A session opened before its user became staff (its requirement was decided at login)
    is stopped by the admin site and brought back once verified."""
    user = UserFactory(operator=None, login_ruc="0968562020001", kind=User.Kind.FUNCIONARIO)
    client.force_login(user, backend="ecuapass.accounts.backends.RucUserBackend")
    assert client.get(reverse("notifications:inbox")).status_code == 200  # no factor needed
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    target = reverse("admin:accounts_user_changelist")
    response = client.get(target, follow=True)
    assert response.redirect_chain[-1][0] == reverse("interno:verificar")
    assert "accounts/user" not in response.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        reverse("interno:verificar"), {"code": current_code(device)}, follow=True
    )
    assert response.redirect_chain[-1][0] == target
    assert response.status_code == 200


def test_verified_users_who_are_not_staff_go_to_the_portal_login(client, settings):
    user = UserFactory(operator=None, login_ruc="0968562020001", kind=User.Kind.FUNCIONARIO)
    login_verified(client, user)
    response = client.get(admin_url(settings))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(response["Location"])["Location"].startswith(reverse("accounts:login"))


def test_staff_cannot_turn_the_second_factor_off(client):
    user = staff()
    device = add_totp(user)
    login_verified(client, user)
    page = client.get(reverse("seguridad:segundo_factor")).content.decode()
    assert "obligatoria" in page and 'value="desactivar"' not in page
    client.post(
        reverse("seguridad:segundo_factor"), {"accion": "desactivar", "code": current_code(device)}
    )
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()

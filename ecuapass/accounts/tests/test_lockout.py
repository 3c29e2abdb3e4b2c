"""django-axes lockout on RUC + ID Usuario, with the BLOQUEO / DESBLOQUEO alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.accounts.lockout import (
    SUBJECT_LOCKED,
    SUBJECT_UNLOCKED,
    release_expired_lockouts,
    unlock_user,
)
from ecuapass.accounts.models import Lockout
from ecuapass.notifications.models import Notification
from ecuapass.notifications.tasks import send_notification_email

from .factories import PASSWORD, company_with_codes

pytestmark = pytest.mark.django_db


def attempt(client, ruc, username="rep", password="Mala.Clave.99"):  # noqa: S107
    return client.post(
        reverse("accounts:login"), {"ruc": ruc, "username": username, "password": password}
    )


def lock(client, ruc, settings):
    responses = [attempt(client, ruc) for _ in range(settings.AXES_FAILURE_LIMIT)]
    return responses[-1]


def test_five_failures_lock_the_user_with_a_clear_message(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    operator, rep, _ = company_with_codes({"16": 1})
    for _ in range(4):
        assert attempt(client, operator.ruc).status_code == 200
    response = attempt(client, operator.ruc)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Usuario bloqueado" in html
    assert "5 intentos fallidos" in html
    # Even the right password is refused while locked.
    response = attempt(client, operator.ruc, password=PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_lock_is_keyed_on_ruc_and_id_usuario(client, settings):
    a, rep_a, _ = company_with_codes({"16": 1})
    b, rep_b, _ = company_with_codes({"01": 1})
    lock(client, a.ruc, settings)
    # The same ID Usuario under another RUC is not locked.
    assert attempt(client, b.ruc, password=PASSWORD).status_code == 302
    assert AccessAttempt.objects.get().username == f"{a.ruc}:rep"


def test_lockout_and_unlock_alerts_reach_buzon_and_email(client, settings):
    operator, rep, _ = company_with_codes({"16": 1})
    lock(client, operator.ruc, settings)
    attempt(client, operator.ruc)  # further attempts do not repeat the alert
    notices = Notification.objects.filter(user=rep)
    assert list(notices.values_list("subject", flat=True)) == [SUBJECT_LOCKED]
    assert notices.get().sender == "SENAE"
    assert Lockout.objects.filter(user=rep, released_on=None).count() == 1
    jobs = DBTaskResult.objects.filter(queue_name="notifications")
    assert jobs.count() == 1
    send_notification_email.call(notices.get().pk)
    assert mail.outbox[-1].subject == SUBJECT_LOCKED
    assert mail.outbox[-1].bcc == [rep.email]

    unlock_user(rep)  # an officer unlocks (admin action)
    subjects = list(Notification.objects.filter(user=rep).values_list("subject", flat=True))
    assert subjects.count(SUBJECT_UNLOCKED) == 1
    assert not AccessAttempt.objects.exists()
    assert attempt(client, operator.ruc, password=PASSWORD).status_code == 302
    # The unlock alert's e-mail is due; the test's one transaction enqueued one mailer job.
    unlocked = Notification.objects.get(user=rep, subject=SUBJECT_UNLOCKED)
    assert unlocked.email_due and unlocked.emailed_on is None
    assert DBTaskResult.objects.filter(queue_name="notifications").count() == 1


def test_cooloff_expiry_unlocks_and_alerts(client, settings):
    operator, rep, _ = company_with_codes({"16": 1})
    lock(client, operator.ruc, settings)
    past = timezone.now() - timedelta(hours=1)
    AccessAttempt.objects.update(attempt_time=past)
    Lockout.objects.update(unlocks_on=past)
    # The worker/cron job releases expired lockouts…
    assert release_expired_lockouts() == 1
    assert Notification.objects.filter(user=rep, subject=SUBJECT_UNLOCKED).count() == 1
    assert release_expired_lockouts() == 0
    assert attempt(client, operator.ruc, password=PASSWORD).status_code == 302


def test_axes_cleanup_after_cooloff_also_alerts(client, settings):
    operator, rep, _ = company_with_codes({"16": 1})
    lock(client, operator.ruc, settings)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=2))
    # The next login runs axes' cleanup of expired attempts, which ends the lock.
    assert attempt(client, operator.ruc, password=PASSWORD).status_code == 302
    assert Notification.objects.filter(user=rep, subject=SUBJECT_UNLOCKED).count() == 1


def test_admin_unlock_action(client, settings):
    from ecuapass.officers.tests.factories import login_verified

    from .factories import UserFactory

    operator, rep, _ = company_with_codes({"16": 1})
    lock(client, operator.ruc, settings)
    officer = UserFactory(
        operator=None,
        login_ruc="0968562020001",
        username="func",
        kind="funcionario",
        is_staff=True,
        is_superuser=True,
    )
    login_verified(client, officer)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [rep.pk]},
    )
    assert response.status_code == 302
    assert Notification.objects.filter(user=rep, subject=SUBJECT_UNLOCKED).count() == 1


def test_unknown_login_keys_lock_without_alert(client, settings):
    operator, rep, _ = company_with_codes({"16": 1})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, operator.ruc, username="nadie")
    assert attempt(client, operator.ruc, username="nadie").status_code == 403
    assert not Notification.objects.exists()
    # The real user is not affected.
    assert attempt(client, operator.ruc, password=PASSWORD).status_code == 302


def test_release_lockouts_command(client, settings):
    from io import StringIO

    from django.core.management import call_command

    operator, rep, _ = company_with_codes({"16": 1})
    lock(client, operator.ruc, settings)
    Lockout.objects.update(unlocks_on=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("release_lockouts", stdout=out)
    assert "1 bloqueos liberados" in out.getvalue()
    assert Notification.objects.filter(user=rep, subject=SUBJECT_UNLOCKED).count() == 1


# --- The lock is the user's, whatever the address; addresses are throttled apart -----------


@pytest.fixture
def fast_hasher(settings):
    """Hashing is not what these tests are about: a fast hasher keeps many logins quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def attempt_from(client, address, ruc, username="rep", password="Mala.Clave.99"):  # noqa: S107
    return client.post(
        reverse("accounts:login"),
        {"ruc": ruc, "username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_the_lock_holds_from_another_address(client, settings, fast_hasher):
    operator, rep, _ = company_with_codes({"16": 1})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_from(client, "198.51.100.1", operator.ruc)
    response = attempt_from(client, "198.51.100.2", operator.ruc, password=PASSWORD)
    assert response.status_code == 403
    assert "Usuario bloqueado" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_guesses_spread_over_many_addresses_lock_the_user(client, settings, fast_hasher):
    operator, rep, _ = company_with_codes({"16": 1})
    for n in range(10):  # 50 guesses, 5 from each of 10 addresses
        for _ in range(5):
            attempt_from(client, f"198.51.100.{n}", operator.ruc)
    response = attempt_from(client, "198.51.100.11", operator.ruc, password=PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert Lockout.objects.filter(user=rep, released_on=None).count() == 1
    assert Notification.objects.filter(user=rep, subject=SUBJECT_LOCKED).count() == 1


def _throttle_message(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def test_an_address_is_throttled_whatever_the_user_without_telling_users_apart(
    client, settings, fast_hasher
):
    settings.LOGIN_ADDRESS_LIMIT = 3
    settings.LOGIN_ADDRESS_WINDOW_MINUTES = 24 * 60  # one window for the whole test
    a, rep_a, _ = company_with_codes({"16": 1})
    b, rep_b, _ = company_with_codes({"16": 1})
    c, rep_c, _ = company_with_codes({"16": 1})
    address = "203.0.113.50"
    # One wrong password for each of three users: no user is near its lock…
    for operator in (a, b):
        assert attempt_from(client, address, operator.ruc).status_code == 200
    assert attempt_from(client, address, c.ruc, username="nadie").status_code == 200
    # …but the address has used its allowance: every further attempt gets one answer,
    # whether the user exists, the password is right or wrong.
    answers = [
        attempt_from(client, address, c.ruc, password=PASSWORD),  # right password
        attempt_from(client, address, c.ruc),  # wrong password
        attempt_from(client, address, c.ruc, username="nadie"),  # no such user
    ]
    assert {r.status_code for r in answers} == {429}
    messages = [_throttle_message(r) for r in answers]
    assert messages[0] == messages[1] == messages[2]
    assert "Demasiados intentos" in messages[0][0]
    assert "_auth_user_id" not in client.session
    # The throttled attempts did not count against the user; another address logs in.
    assert attempt_from(client, "203.0.113.51", c.ruc, password=PASSWORD).status_code == 302


def test_successful_logins_do_not_use_up_the_address_allowance(client, settings, fast_hasher):
    settings.LOGIN_ADDRESS_LIMIT = 2
    settings.LOGIN_ADDRESS_WINDOW_MINUTES = 24 * 60
    operator, rep, _ = company_with_codes({"16": 1})
    for _ in range(4):  # an office behind one address: many right logins
        response = attempt_from(client, "203.0.113.60", operator.ruc, password=PASSWORD)
        assert response.status_code == 302
        client.logout()
    assert attempt_from(client, "203.0.113.60", operator.ruc).status_code == 200
    assert attempt_from(client, "203.0.113.60", operator.ruc).status_code == 200
    assert attempt_from(client, "203.0.113.60", operator.ruc).status_code == 429

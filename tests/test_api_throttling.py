"""The API is rate-limited: anonymous callers per IP at the public rate, operators per user."""

import pytest

from ecuapass.api.throttling import ApiThrottle


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(ApiThrottle, "THROTTLE_RATES", {"public": "3/min", "operator": "5/min"})


@pytest.mark.django_db
def test_public_api_is_limited_per_ip_with_a_machine_readable_429(client, low_rates):
    codes = [client.get("/api/v1/arancel/", {"q": "0901"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = client.get("/api/v1/arancel/", {"q": "0901"}).json()
    assert body["error"] == "throttled"
    other_ip = client.get("/api/v1/arancel/", {"q": "0901"}, REMOTE_ADDR="10.9.9.9")
    assert other_ip.status_code == 200


@pytest.mark.django_db
def test_authenticated_callers_get_the_operator_rate(client, low_rates, django_user_model):
    user = django_user_model.objects.create_user(
        "0991003002001", "rate", "Clave.Segura.2026", kind="empleado"
    )
    client.force_login(user)
    codes = [client.get("/api/v1/buzon/").status_code for _ in range(6)]
    assert codes[-1] == 429
    assert 429 not in codes[:5]

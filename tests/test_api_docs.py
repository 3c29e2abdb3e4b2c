import pytest


@pytest.mark.django_db
def test_openapi_schema_is_public(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


@pytest.mark.django_db
def test_swagger_ui_served_offline_under_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html.replace("http://testserver", "")  # no third-party hosts
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200

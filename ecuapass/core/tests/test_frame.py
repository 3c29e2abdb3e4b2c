import pytest
from django.test import override_settings
from django.urls import reverse


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_page_is_spanish_and_framed(client):
    response = client.get("/no-existe/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Página no encontrada" in text
    assert "ECUAPASS" in text


@pytest.mark.django_db
def test_error_handlers_render_spanish(rf):
    from ecuapass.core import views

    request = rf.get("/")
    assert "No está asignado el permiso al usuario." in views.error_403(request).content.decode()
    assert "Error del sistema" in views.error_500(request).content.decode()


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/healthz"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"


def test_dates_are_dd_mm_yyyy():
    from datetime import date

    from django.utils import formats, translation

    with translation.override("es"):
        assert formats.date_format(date(2026, 3, 7)) == "07/03/2026"
    with translation.override("en"):
        assert formats.date_format(date(2026, 3, 7)) == "07/03/2026"


@pytest.mark.django_db
def test_spanish_is_the_default_even_for_english_browsers(client):
    response = client.get("/ingresar/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "es"
    client.cookies["django_language"] = "en"
    assert client.get("/ingresar/").wsgi_request.LANGUAGE_CODE == "en"
    client.cookies["django_language"] = "xx"
    assert client.get("/ingresar/").wsgi_request.LANGUAGE_CODE == "es"

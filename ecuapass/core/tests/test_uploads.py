"""Request bodies larger than a view accepts are refused from Content-Length, unread."""

from __future__ import annotations

import pytest

from .upload_bombs import huge_body

pytestmark = pytest.mark.django_db


def test_api_json_body_over_the_limit_is_a_json_413(client):
    """DRF reads its stream without Django's DATA_UPLOAD_MAX_MEMORY_SIZE check."""
    response, elapsed = huge_body(client, "/api/v1/tributos/", content_type="application/json")
    assert response.status_code == 413 and elapsed < 3
    body = response.json()
    assert body["error"] == "request_too_large"
    assert "8,0\xa0MB" in body["detail"] and "No se guardó nada" in body["detail"]


def test_form_body_over_the_limit_is_a_spanish_413_page(client):
    response, elapsed = huge_body(
        client, "/ingresar/", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413 and elapsed < 3
    text = response.content.decode()
    assert "La solicitud es demasiado grande (1,0\xa0GB)" in text


def test_english_session_reads_the_refusal_in_english(client, settings):
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # drop cached catalogs
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response, _elapsed = huge_body(client, "/ingresar/", content_type="text/plain")
    assert response.status_code == 413
    assert "The request is too large" in response.content.decode()

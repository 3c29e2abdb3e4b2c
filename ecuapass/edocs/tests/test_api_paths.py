"""Paths reversed once per process (``core.reversing.path_for``, issue 16): the API answers'
document URL (``edocs.serializers.api_detail_path``) and a document's page
(``EDocument.get_absolute_url``) are reverse()'s, for any value, script prefix and language."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from ecuapass.core import reversing
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.serializers import api_detail_path

VALUES = ["ENT-2026-0000123", "2026.07_x~1", "con espacio", "año", "a%2Fb", "<b>", "a?b#c", "7"]


@pytest.mark.parametrize("prefix", ["/", "/ecuapass/"])
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_path_is_reverses_for_any_value_prefix_and_language(prefix, language):
    reversing._templates.clear()
    set_script_prefix(prefix)
    try:
        with translation.override(language):
            for value in VALUES * 2:  # the second time from the template
                assert api_detail_path(value) == reverse("api:edocs_api:detail", args=[value]), (
                    value
                )
            for pk in (1, 42, 1_000_000, 42):
                assert EDocument(pk=pk).get_absolute_url() == reverse("edocs:documento", args=[pk])
    finally:
        set_script_prefix("/")


def test_a_value_reverse_refuses_is_refused():
    for value in ("", "a/b"):
        with pytest.raises(NoReverseMatch):
            api_detail_path(value)
    for value in ("abc", "", "-1"):  # not a number for the page's <int:pk>
        with pytest.raises(NoReverseMatch):
            reversing.path_for("edocs:documento", value)


def test_a_plain_value_is_not_reversed_again(monkeypatch):
    reversing._templates.clear()
    api_detail_path("ENT-1")
    monkeypatch.setattr(reversing, "reverse", lambda *a, **k: pytest.fail("reversed"))
    assert api_detail_path("ENT-2026-0000999").endswith("/ENT-2026-0000999/")

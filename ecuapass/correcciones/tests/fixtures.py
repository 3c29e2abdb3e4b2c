"""Fixtures of the corrections' tests: uploads in a temporary directory, officers, DAIs that stay
where a test puts them (the despacho does not open by itself on acceptance)."""

from __future__ import annotations

import pytest

from . import helpers


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.ECUAPASS_UPLOADS_DIR = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def quiet_acceptance(monkeypatch):
    """An accepted DAI stays "Aceptado": each test moves it to the state it needs."""
    from ecuapass.edocs import registry

    monkeypatch.setattr(type(registry.get("DAI")), "after_acceptance", lambda self, edoc: None)


@pytest.fixture
def officers(world):
    return helpers.Officers.make()

"""Fixtures of the despacho tests: catalogs, officers of distritos 028 and 019, DAIs in aforo."""

from __future__ import annotations

import pytest

from . import helpers


@pytest.fixture
def despacho_world(world, settings, tmp_path):
    """The e-doc world plus the despacho's catalogs, with uploads in a temporary directory."""
    settings.ECUAPASS_UPLOADS_DIR = tmp_path / "uploads"
    helpers.load_catalogs()
    return world


@pytest.fixture
def officers(despacho_world):
    return helpers.Officers.make()


@pytest.fixture
def no_despacho_on_acceptance(monkeypatch):
    """Accept DAIs without the hook, so a test gives the canal itself (open_despacho(canal=…))."""
    from ecuapass.despacho import services

    monkeypatch.setattr(services, "despachar_aceptado", lambda edoc: None)

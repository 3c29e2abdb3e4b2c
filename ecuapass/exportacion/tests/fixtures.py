"""Fixtures of the export tests."""

from __future__ import annotations

import pytest

from . import helpers


@pytest.fixture
def export_world(world, settings, tmp_path):
    settings.ECUAPASS_UPLOADS_DIR = tmp_path / "uploads"
    from ecuapass.despacho.tests.helpers import load_catalogs

    load_catalogs()
    helpers.load_export_lines()
    world.deposito = helpers.deposito_party()
    world.carga = helpers.carga_party()
    helpers.load_certificates(world.importer.oce, world.importer.user)
    return world

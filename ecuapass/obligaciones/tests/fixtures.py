"""Fixtures of the ledger's tests: the despacho world plus the ledger's dated tables."""

from __future__ import annotations

import pytest

from ecuapass.core.loading import LoadReport


@pytest.fixture
def ledger_world(despacho_world):
    from ecuapass.obligaciones import reference_data

    reference_data.load(LoadReport(write=lambda s: None))
    return despacho_world

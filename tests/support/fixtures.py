"""pytest plugin (registered in the root conftest): the ``world`` of tests.support.world and ``oce_client``."""

from __future__ import annotations

import pytest

from tests.support import world as testing


@pytest.fixture
def world(db):
    return testing.build_world()


@pytest.fixture
def oce_client(client):
    """Log a party in with its OCE active: ``oce_client(party)`` → the test client."""
    from ecuapass.accounts.context import SESSION_OCE_CODE, SESSION_OCE_TYPE

    def login(party):
        client.force_login(party.user)
        session = client.session
        session[SESSION_OCE_CODE] = party.oce.code
        session[SESSION_OCE_TYPE] = party.oce.registration.oce_type.code
        session.save()
        return client

    return login

"""An anulada declaration leaves the bandeja: the DAI's ``anular`` closes its open aforo."""

from __future__ import annotations

import pytest

from ecuapass.despacho import selectors
from ecuapass.despacho.models import AforoEvent
from ecuapass.edocs import lifecycle

from . import helpers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_despacho_on_acceptance")]


def test_anulacion_by_the_supervisor_closes_the_open_case(world, officers):
    case = helpers.in_aforo(world.importer, "documental", officer=officers.tecnico)
    assert case.edoc.estado_documento == "en_aforo"
    lifecycle.fire(case.edoc, "anular", user=officers.supervisor.user, note="La carga no llegó.")
    case.refresh_from_db()
    assert case.closed_on is not None and case.resultado == ""
    assert case.edoc.estado_documento == "anulado"
    assert case.events.filter(kind=AforoEvent.Kind.ANULADO).count() == 1
    officer = officers.tecnico
    assert case not in selectors.bandeja(officer, vista=selectors.Vista.MIOS)


def test_a_tecnico_cannot_anular(world, officers):
    case = helpers.in_aforo(world.importer, "documental", officer=officers.tecnico)
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.fire(case.edoc, "anular", user=officers.tecnico.user)
    case.refresh_from_db()
    assert case.closed_on is None

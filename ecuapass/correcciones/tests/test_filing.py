"""Filing the three requests: the engine's rules on the DAI referred to, its state and the changes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ecuapass.customs.payloads import COFFEE, LAPTOPS, SHOES
from ecuapass.notifications.models import Notification
from tests.support.world import BROKER_CODE, BROKER_NAME, BROKER_RUC, make_party

from .helpers import PDF, accepted_dai, b64, errors_of, file, put_in_state, request_payload

pytestmark = pytest.mark.django_db

COR, SUS, ANU = "DAI-COR", "DAI-SUS", "DAI-ANU"


def correction(dai, **fields):
    fields.setdefault("cabecera", {"factura": {"numero": "FAC-CORREGIDA-1"}})
    return request_payload(COR, dai, **fields)


def codes(edoc):
    return [code for code, _f, _m in errors_of(edoc)]


def test_a_correccion_of_my_dai_is_accepted_with_its_number_and_the_dais_distrito(world):
    dai = accepted_dai(world.importer)
    edoc = file(world.importer, correction(dai))
    assert edoc.estado_documento == "aceptado", errors_of(edoc)
    year = timezone.localdate().year
    assert edoc.document_number == f"028-{year}-COR-00000001"
    assert edoc.distrito == "028"
    assert edoc.party_operator == world.importer.operator
    solicitud = edoc.content
    assert solicitud.dai == dai and solicitud.version_base == 1
    # The filer's buzón: the engine's acceptance notice.
    assert Notification.objects.filter(
        oce_code=world.importer.oce, subject__contains="ACEPTADA"
    ).exists()


def test_a_dai_the_filer_does_not_see_is_refused_without_revealing_it(world):
    theirs = accepted_dai(world.importer)
    edoc = file(world.other, correction(theirs))
    assert edoc.estado_documento == "rechazado"
    assert codes(edoc) == ["SOL-001"]
    assert edoc.content.dai is None
    assert "no existe o no es visible" in errors_of(edoc)[0][2]
    unknown = file(
        world.other,
        request_payload(ANU, theirs, causal="otra")
        | {"declaracion": {"numero_documento": "028-2026-10-99999999"}},
    )
    assert codes(unknown) == ["SOL-001"]


def test_the_broker_and_its_client_file_on_the_brokers_dai_but_not_another_importer(world):
    make_party(BROKER_RUC, BROKER_NAME, "01", BROKER_CODE)
    dai = accepted_dai(world.broker, by_broker=True)
    by_broker = file(world.broker, request_payload(ANU, dai, causal="carga_no_arribo"))
    assert by_broker.estado_documento == "aceptado", errors_of(by_broker)
    # The importer (the DAI's party) sees it and owns the broker's request too.
    assert by_broker.party_operator == world.importer.operator


def test_the_party_files_on_a_dai_the_broker_filed_for_it(world):
    dai = accepted_dai(world.broker, by_broker=True)
    edoc = file(world.importer, correction(dai))
    assert edoc.estado_documento == "aceptado", errors_of(edoc)


def test_correccion_is_refused_after_the_cierre_de_aforo(world):
    dai = accepted_dai(world.importer)
    for state in ("canal_asignado", "en_aforo"):
        put_in_state(dai, state)
        from ecuapass.correcciones import checks

        assert checks.refusal(COR, dai) is None
    put_in_state(dai, "aforo_cerrado")
    edoc = file(world.importer, correction(dai))
    assert edoc.estado_documento == "rechazado"
    assert codes(edoc) == ["SOL-003"]
    assert "antes del cierre del aforo" in errors_of(edoc)[0][2]


def test_sustitutiva_is_refused_before_the_levante_and_after_its_term(world, settings):
    dai = accepted_dai(world.importer)
    edoc = file(world.importer, request_payload(SUS, dai, cabecera={"puerto_embarque": "CNNGB"}))
    assert codes(edoc) == ["SOL-003"]
    assert "después del levante" in errors_of(edoc)[0][2]

    settings.ECUAPASS_SUSTITUTIVA_PLAZO_DIAS = 30
    put_in_state(dai, "aforo_cerrado", days_ago=40)
    put_in_state(dai, "salida_autorizada", days_ago=31)
    late = file(world.importer, request_payload(SUS, dai, cabecera={"puerto_embarque": "CNNGB"}))
    assert codes(late) == ["SOL-003"]
    assert "Venció el plazo de 30 días" in errors_of(late)[0][2]

    put_in_state(dai, "salida_autorizada", days_ago=2)
    in_term = file(world.importer, request_payload(SUS, dai, cabecera={"puerto_embarque": "CNNGB"}))
    assert in_term.estado_documento == "aceptado", errors_of(in_term)
    assert in_term.document_number.split("-")[2] == "SUS"


def test_anulacion_while_the_dai_may_be_annulled(world):
    dai = accepted_dai(world.importer)
    edoc = file(world.importer, request_payload(ANU, dai, causal="carga_no_arribo"))
    assert edoc.estado_documento == "aceptado", errors_of(edoc)
    assert edoc.content.causal == "carga_no_arribo"

    other = accepted_dai(world.importer)
    put_in_state(other, "aforo_cerrado")
    late = file(world.importer, request_payload(ANU, other, causal="otra"))
    assert codes(late) == ["SOL-003"]
    assert "ya no se puede solicitar su anulación" in errors_of(late)[0][2]


def test_one_request_at_a_time_per_dai(world):
    dai = accepted_dai(world.importer)
    first = file(world.importer, correction(dai))
    assert first.estado_documento == "aceptado"
    second = file(world.importer, request_payload(ANU, dai, causal="otra"))
    assert codes(second) == ["SOL-004"]
    assert first.numero_entrega in errors_of(second)[0][2]


def test_changes_are_checked_by_the_dais_own_rules_and_must_change_something(world):
    dai = accepted_dai(world.importer)
    same = file(world.importer, correction(dai, cabecera={"puerto_embarque": "CNSHA"}))
    assert codes(same) == ["SOL-005"]
    assert "iguales a lo declarado" in errors_of(same)[0][2]

    # A subpartida that is not in the tariff: the DAI's rule DAI-301, on the item.
    unknown = dict(COFFEE, subpartida="0101.21.00.00")
    bad_line = file(
        world.importer, correction(dai, cabecera={}, items=[unknown, dict(LAPTOPS), dict(SHOES)])
    )
    assert [(c, f) for c, f, _m in errors_of(bad_line)] == [("SOL-005", "items[1].subpartida")]

    # A country that is not in the catalog (DAI-103) and an incoherent date (DAI-303).
    bad_header = file(
        world.importer,
        correction(dai, cabecera={"pais_embarque": "XX", "fecha_llegada": "2025-11-01"}),
    )
    assert sorted(f for _c, f, _m in errors_of(bad_header)) == [
        "cabecera.fecha_llegada",
        "cabecera.pais_embarque",
    ]


def test_changes_against_the_dais_shape_merge_with_the_declared_data(world):
    dai = accepted_dai(world.importer)
    # USD with an exchange rate other than 1: the merged declaration breaks DAI-305.
    edoc = file(world.importer, correction(dai, cabecera={"tipo_cambio": "1.5"}))
    assert [(c, f) for c, f, _m in errors_of(edoc)] == [("SOL-005", "cabecera.tipo_cambio")]


def test_attachments_are_stored_from_the_json(world):
    dai = accepted_dai(world.importer)
    edoc = file(
        world.importer,
        correction(dai, adjuntos=[{"nombre": "factura corregida.pdf", "contenido": b64(PDF)}]),
    )
    assert edoc.estado_documento == "aceptado", errors_of(edoc)
    (adjunto,) = edoc.content.adjuntos.all()
    assert adjunto.content_type == "application/pdf" and adjunto.size == len(PDF)
    assert adjunto.original_name == "factura corregida.pdf"


def test_changes_whose_liquidacion_overflows_are_refused_on_the_item(world):
    dai = accepted_dai(world.importer)
    huge = dict(COFFEE, fob="99999999999999.00")
    edoc = file(
        world.importer, correction(dai, cabecera={}, items=[huge, dict(LAPTOPS), dict(SHOES)])
    )
    assert edoc.estado_documento == "rechazado"
    assert [(c, f) for c, f, _m in errors_of(edoc)] == [("SOL-005", "items")]
    assert "excede el máximo admitido" in errors_of(edoc)[0][2]

"""The depósito temporal: IMDT with its automatic faltante/sobrante and seal novedades, novedades
while stored, salida only with salida autorizada, and only for cargo consigned to it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.carga import services
from ecuapass.carga.models import EventoCarga

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(db):
    return h.build()


def _cargo(cw, arrive=True):
    edoc = h.manifest(cw)
    if arrive:
        h.arrived(cw, edoc)
    return edoc.document_number


def _ingreso(cw, mrn, bultos=20, peso="840.000", sellos=("ML-0001",)):
    doc = services.documento_del_deposito(cw.deposit.oce, mrn, "0001")
    return services.registrar_ingreso(
        doc,
        oce=cw.deposit.oce,
        user=cw.deposit.user,
        bultos=bultos,
        peso=Decimal(peso),
        fecha_hora=h.earlier_today(minutes=10),
        contenedores=[{"numero": "MSCU1234565", "sellos": list(sellos)}],
    )


def test_imdt_as_manifested_records_no_novedad(cw):
    events = _ingreso(cw, _cargo(cw))
    assert [(e.tipo, e.novedad) for e in events] == [("ingreso", "")]
    year = timezone.localtime().year
    assert events[0].numero == f"{h.DEPOSIT_CODE}-{year}-000001"
    assert events[0].distrito == "028"


def test_imdt_with_fewer_packages_records_a_faltante_and_a_broken_seal(cw):
    events = _ingreso(cw, _cargo(cw), bultos=18, peso="760.000", sellos=("OTRO-1",))
    kinds = [(e.tipo, e.novedad, e.diferencia_bultos, e.diferencia_peso) for e in events]
    assert kinds == [
        ("ingreso", "", -2, Decimal("-80.000")),
        ("novedad", "faltante", -2, Decimal("-80.000")),
        ("novedad", "sello_roto", 0, Decimal("0")),
    ]


def test_imdt_with_more_is_a_sobrante_and_only_once(cw):
    mrn = _cargo(cw)
    events = _ingreso(cw, mrn, bultos=21)
    assert events[1].novedad == "sobrante"
    with pytest.raises(services.CargaError, match="ya fue registrado"):
        _ingreso(cw, mrn)


def test_imdt_needs_the_arrival(cw):
    with pytest.raises(services.CargaError, match="aún no registra su llegada"):
        _ingreso(cw, _cargo(cw, arrive=False))


def test_a_deposito_only_sees_cargo_consigned_to_it(cw):
    mrn = _cargo(cw)
    with pytest.raises(services.CargaError, match="consignada a su depósito"):
        services.documento_del_deposito(cw.other_deposit.oce, mrn, "0001")
    assert list(services.documentos_del_deposito(cw.other_deposit.oce)) == []
    assert services.documentos_del_deposito(cw.deposit.oce).count() == 1


def test_novedad_while_stored_needs_the_ingreso(cw):
    mrn = _cargo(cw)
    doc = services.documento_del_deposito(cw.deposit.oce, mrn, "0001")
    kwargs = {
        "oce": cw.deposit.oce,
        "user": cw.deposit.user,
        "novedad": "danio",
        "fase": "almacenamiento",
        "fecha_hora": timezone.now(),
        "observacion": "Dos cajas mojadas",
        "bultos": 2,
    }
    with pytest.raises(services.CargaError, match="Registre primero el ingreso"):
        services.registrar_novedad(doc, **kwargs)
    _ingreso(cw, mrn)
    evento = services.registrar_novedad(doc, **kwargs)
    assert (evento.fase, evento.novedad, evento.bultos) == ("almacenamiento", "danio", 2)


def test_salida_without_salida_autorizada_is_refused_and_with_it_recorded(cw):
    from tests.support.world import dai_payload

    mrn = _cargo(cw)
    _ingreso(cw, mrn)
    doc = services.documento_del_deposito(cw.deposit.oce, mrn, "0001")
    args = {"oce": cw.deposit.oce, "user": cw.deposit.user, "fecha_hora": timezone.now()}
    with pytest.raises(services.CargaError, match="no tiene salida autorizada"):
        services.registrar_salida(doc, **args)
    dai = h.submit(
        cw.importer,
        dai_payload(
            documento_transporte={"mrn": mrn, "msn": "0001", "hsn": "0000"},
            fecha_llegada=timezone.localdate().isoformat(),
        ),
    )
    assert dai.descargo_carga.documento == doc
    # Accepted but without levante: still refused.
    with pytest.raises(services.CargaError, match="no tiene salida autorizada"):
        services.registrar_salida(doc, **args)
    # The levante: the DAI's lifecycle moves it to «salida autorizada».
    from ecuapass.edocs import lifecycle

    dai.refresh_from_db()
    assert dai.estado_documento == "aforo_cerrado"  # canal automático in tests
    lifecycle.fire(dai, "autorizar_salida", process="obligaciones.levante")
    salida = services.registrar_salida(doc, **args)
    assert (salida.tipo, salida.dai_id, salida.bultos) == ("salida", dai.pk, 20)
    assert EventoCarga.objects.filter(documento=doc).count() == 2

"""The cargo's test world: the importer and broker of ``tests.support.world``, a carrier, a
consolidator and a depósito temporal; payloads of MAN, MAN-H; documents taken to acceptance
through the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from tests.support import world as testing

CARRIER_RUC = "0992011009001"
CARRIER_CODE = "09920110"
CONSOLIDATOR_RUC = "0992033002001"
CONSOLIDATOR_CODE = "09920330"
DEPOSIT_RUC = "0992005009001"
DEPOSIT_CODE = "09920050"
OTHER_DEPOSIT_RUC = "0992022000001"
OTHER_DEPOSIT_CODE = "09920220"


def earlier_today(**delta):
    """A moment ``delta`` ago but never before today's local midnight: 2.11 filters by today's
    date, so an event an hour ago must not fall on yesterday in the first hour of the day."""
    now = timezone.localtime()
    return max(now - timedelta(**delta), now.replace(hour=0, minute=0, second=0, microsecond=0))


@dataclass
class CargoWorld:
    world: testing.World
    carrier: testing.Party
    consolidator: testing.Party
    deposit: testing.Party
    other_deposit: testing.Party

    def __getattr__(self, name):
        return getattr(self.world, name)


def load_rules():
    from ecuapass.carga import reference_data
    from ecuapass.core.loading import LoadReport

    reference_data.load(LoadReport(write=lambda s: None))


def build() -> CargoWorld:
    world = testing.build_world()
    load_rules()
    return CargoWorld(
        world=world,
        carrier=testing.make_party(CARRIER_RUC, "Naviera Demo S.A.", "09", CARRIER_CODE),
        consolidator=testing.make_party(
            CONSOLIDATOR_RUC, "Consolidadora Demo S.A.", "06", CONSOLIDATOR_CODE
        ),
        deposit=testing.make_party(DEPOSIT_RUC, "Depósito Demo S.A.", "04", DEPOSIT_CODE),
        other_deposit=testing.make_party(
            OTHER_DEPOSIT_RUC, "Otro Depósito S.A.", "04", OTHER_DEPOSIT_CODE
        ),
    )


def documento(**over) -> dict:
    data = {
        "numero": "MEDUSH000001",
        "embarcador": "Shanghai Coffee Trading Co.",
        "consignatario": {"ruc": testing.IMPORTER_RUC, "nombre": testing.IMPORTER_NAME},
        "deposito": DEPOSIT_CODE,
        "bultos": 20,
        "peso": "840.000",
        "volumen": "30.000",
        "descripcion": "Café, computadoras y calzado",
        "flete": "2100.00",
        "contenedores": [{"numero": "MSCU1234565", "sellos": ["ML-0001"]}],
    }
    data.update(over)
    return data


def manifest_payload(documentos=None, **over) -> dict:
    payload = {
        "tipo_documento": "MAN",
        "modo": "maritimo",
        "trayecto": "largo",
        "transportista_codigo": "MSCU",
        "medio_transporte": {"nombre": "MSC ALINA", "identificacion": "9461867", "viaje": "AL612R"},
        "distrito": "028",
        "puerto_embarque": "CNSHA",
        "puerto_llegada": "ECGYE",
        "fecha_estimada_llegada": (timezone.now() + timedelta(days=3)).isoformat(),
        "documentos": documentos or [documento()],
    }
    payload.update(over)
    return payload


def houses_payload(mrn, msn="0001", documentos=None) -> dict:
    return {
        "tipo_documento": "MAN-H",
        "mrn": mrn,
        "msn": msn,
        "documentos": documentos
        or [
            documento(numero="HBL-0001", bultos=12, peso="520.000", flete="1000.00"),
            documento(
                numero="HBL-0002",
                bultos=8,
                peso="320.000",
                flete="500.00",
                consignatario={"ruc": testing.OTHER_RUC, "nombre": testing.OTHER_NAME},
            ),
        ],
    }


def submit(party, payload, *, process=True):
    """File ``payload`` through the engine (channel S) and process it; the sent document."""
    from ecuapass.edocs import registry, services

    doc_type = registry.get(payload["tipo_documento"])
    serializer = doc_type.serializer_class()(data=payload)
    serializer.is_valid(raise_exception=True)
    edoc = services.submit_payload(
        doc_type,
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document
    if process:
        services.process(edoc.pk)
        edoc.refresh_from_db()
    return edoc


def errors(edoc) -> list[str]:
    return [f"{e.code} {e.field}: {e.message}" for e in edoc.errors.all()]


def manifest(cw, **over):
    edoc = submit(cw.carrier, manifest_payload(**over))
    assert edoc.estado_documento == "aceptado", errors(edoc)
    return edoc


def arrived(cw, edoc, when=None):
    from ecuapass.carga import services

    return services.registrar_llegada(
        edoc,
        fecha_hora=when or earlier_today(hours=1),
        user=cw.carrier.user,
        oce=cw.carrier.oce,
    )

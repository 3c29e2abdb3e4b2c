"""Building blocks of the corrections' tests: DAIs in a state, requests filed and processed."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from ecuapass.customs.serializers import DaiSerializer
from ecuapass.despacho.tests.helpers import PDF, PNG  # noqa: F401 - re-exported for the tests
from ecuapass.edocs import registry, services
from ecuapass.edocs.models import EDocument, StatusChange
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import make_officer
from tests.support.world import BROKER_CODE, BROKER_NAME, BROKER_RUC, dai_payload

_invoices = itertools.count(1)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def accepted_dai(party, *, by_broker: bool = False, **overrides) -> EDocument:
    """Submit and process a DAI of ``party`` (by the broker for the importer with ``by_broker``)."""
    if by_broker:
        overrides.setdefault("declarante", {"ruc": BROKER_RUC, "nombre": BROKER_NAME})
        overrides.setdefault("oce_code", BROKER_CODE)
    payload = dai_payload(invoice=f"FAC-C-{next(_invoices)}", **overrides)
    serializer = DaiSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    edoc = services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document
    assert services.process(edoc.pk) == "aceptado"
    edoc.refresh_from_db()
    return edoc


def put_in_state(edoc: EDocument, state: str, *, days_ago: int = 0) -> EDocument:
    """Move a DAI to ``state`` as its owners' transitions would (history row included)."""
    at = timezone.now() - timedelta(days=days_ago)
    StatusChange.objects.create(
        document=edoc,
        field=StatusChange.Field.DOCUMENTO,
        transition="prueba",
        from_state=edoc.estado_documento,
        to_state=state,
        at=at,
        by_process="pruebas",
    )
    EDocument.objects.filter(pk=edoc.pk).update(estado_documento=state)
    edoc.refresh_from_db()
    return edoc


def request_payload(code: str, dai: EDocument, **fields) -> dict:
    payload = {
        "tipo_documento": code,
        "declaracion": {"numero_documento": dai.document_number},
        "motivo": "Error de digitación en la factura.",
    }
    payload.update(fields)
    return payload


def file(party, payload: dict, *, process: bool = True) -> EDocument:
    """File a request as the API does (serializer, submit) and process it like the worker."""
    doc_type = registry.get(payload["tipo_documento"])
    serializer = doc_type.serializer_class()(data=payload)
    assert serializer.is_valid(), serializer.errors
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


def errors_of(edoc: EDocument) -> list[tuple[str, str, str]]:
    return [(e.code, e.field, e.message) for e in edoc.errors.all()]


@dataclass
class Officers:
    tecnico: object  # 028
    supervisor: object  # 028
    foreign_tecnico: object  # 019
    foreign_supervisor: object  # 019

    @classmethod
    def make(cls) -> Officers:
        return cls(
            tecnico=make_officer([Role.TECNICO], ["028"], username="aforador-c"),
            supervisor=make_officer([Role.SUPERVISOR], ["028"], username="supervisor-c"),
            foreign_tecnico=make_officer([Role.TECNICO], ["019"], username="aforador-019"),
            foreign_supervisor=make_officer([Role.SUPERVISOR], ["019"], username="supervisor-019"),
        )

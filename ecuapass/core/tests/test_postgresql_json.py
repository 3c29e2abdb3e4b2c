"""JSON values written by orjson on PostgreSQL (``ecuapass.core.postgresql``, issue 16): the
same JSON ``json.dumps`` writes, and the same refusals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection, connections, models

from ecuapass.core.postgresql.base import dumps


class Canal(models.TextChoices):
    VERDE = "verde", "Verde"


class Nivel(models.IntegerChoices):
    UNO = 1, "Uno"


@dataclasses.dataclass
class Punto:
    x: int


@pytest.mark.parametrize(
    "value",
    [
        {"fecha": "2026-12-06", "items": [{"cif": "11100.00", "n": 3, "ok": True, "x": None}]},
        [1, 2.5, -0.0, "Café tostado, ñandú — «DAI»", {"a": {"b": []}}],
        {"canal": Canal.VERDE, "nivel": Nivel.UNO},  # choices: their values
        {"1": "uno", "": 0, "e": 1e300},
        "texto",
        2**63 - 1,
        [],
        {},
    ],
)
def test_the_same_json_as_the_standard_library(value):
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize(
    "value",
    [
        {"fecha": dt.date(2026, 12, 6)},
        {"cuando": dt.datetime(2026, 12, 6, 10, 0)},
        {"monto": Decimal("1.00")},
        {"punto": Punto(1)},
        {"s": {1, 2}},
    ],
)
def test_what_the_standard_library_refuses_is_refused(value):
    with pytest.raises(TypeError):
        json.dumps(value)
    with pytest.raises(TypeError):
        dumps(value)


def test_what_orjson_cannot_write_goes_through_the_standard_library():
    for value in ({1: "clave numérica"}, [2**70], {"k": (1, 2)}):
        assert json.loads(dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.django_db
def test_the_database_stores_and_reads_back_what_was_written(world):
    """On PostgreSQL through this backend (on SQLite, Django's own path): a liquidación's
    detail read back equal, non-ASCII text included."""
    from ecuapass.customs.models import Liquidacion
    from ecuapass.edocs.tests.test_batch import send

    edoc = send(world, "JSON-ÑÁ")
    liq = Liquidacion.objects.get(dai__edoc=edoc)
    payload = {**liq.detalle, "nota": "Declaración — café «orgánico»", "lista": [1, 2.5, None]}
    Liquidacion.objects.filter(pk=liq.pk).update(detalle=payload)
    assert Liquidacion.objects.get(pk=liq.pk).detalle == payload
    if connection.vendor == "postgresql":
        assert type(connections["default"]).__module__ == "ecuapass.core.postgresql.base"
        adapted = connection.ops.adapt_json_value(payload, None)
        assert adapted.dumps is dumps

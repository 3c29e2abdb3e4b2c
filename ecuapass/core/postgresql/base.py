"""Django's PostgreSQL backend, with JSON values written by orjson (issue 16).

A DAI's submission writes ~9 KB of JSON (the envío as sent, the liquidación's detail, each
item's tariffs and legal bases): the standard library's encoder took ~3 % of the request's
CPU, orjson about an eighth of that (the same JSON text, give or take whitespace and the
escaping of non-ASCII characters, which PostgreSQL's jsonb does not keep). What orjson would
write where ``json.dumps`` raises — a date, a dataclass, a number beyond 64 bits, a key that is
not text — goes through ``json.dumps`` as before, and raises there. Two differences remain, in
values no caller writes (``json.dumps`` raised, or PostgreSQL refused its output): a UUID or a
plain ``Enum`` is written as its value, a NaN or infinite float as null. Fields with an encoder
of their own keep Django's path.
"""

from __future__ import annotations

import json

import orjson
from django.db.backends.postgresql import base, operations
from psycopg.types.json import Jsonb

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _standard(value):
    """orjson's ``default``: a value outside what it writes as ``json.dumps`` does."""
    raise TypeError


def dumps(value) -> bytes | str:
    """``value`` as JSON for PostgreSQL: by orjson, else by ``json.dumps``."""
    try:
        return orjson.dumps(value, default=_standard, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value)


class DatabaseOperations(operations.DatabaseOperations):
    def adapt_json_value(self, value, encoder):
        if encoder is None:
            return Jsonb(value, dumps=dumps)
        return super().adapt_json_value(value, encoder)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

"""Número de entrega: código de OCE (8) + año (4) + secuencia (8) + canal (P/S)."""

from __future__ import annotations

import re

from ecuapass.core.numbering import next_value

NUMERO_ENTREGA_RE = re.compile(r"^(?P<oce>\d{8})(?P<year>\d{4})(?P<seq>\d{8})(?P<channel>[PS])$")


def sequence_key(oce_code: str, year: int) -> str:
    return f"edocs.entrega:{oce_code}:{year}"


def next_numero_entrega(oce_code: str, year: int, channel: str) -> str:
    """Take the next número de entrega; call inside the envío's transaction."""
    seq = next_value(sequence_key(oce_code, year))
    if seq > 99_999_999:
        raise OverflowError("secuencia de entregas agotada")
    return f"{oce_code}{year:04d}{seq:08d}{channel}"

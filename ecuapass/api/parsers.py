"""JSON parser that answers 400 (not 500) to what the database could not store.

Refused with DRF's ``ParseError`` (400, machine-readable): pathologically nested
documents, and NUL characters or lone UTF-16 surrogates in any key or value
(``\\u0000`` / ``\\ud800`` are valid JSON escapes, but neither PostgreSQL text
nor jsonb can hold them).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_path(value, path: str = "") -> str | None:
    """The path of the first key or string holding a NUL or a lone surrogate, or None."""
    if isinstance(value, str):
        return path or "$" if _UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if _UNSTORABLE.search(key):
                return _UNSTORABLE.sub("?", here)
            found = _unstorable_path(item, here)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unstorable_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError() from exc  # DRF's own translated «Solicitud mal formada»
        path = _unstorable_path(data)
        if path:
            raise ParseError(
                _("Carácter no permitido (NUL o sustituto UTF-16 aislado) en «%(campo)s».")
                % {"campo": path[:200]}
            )
        return data

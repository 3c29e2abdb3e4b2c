"""JSON parser that answers 400 (not 500) to what the database could not store.

Refused with DRF's ``ParseError`` (400, machine-readable): pathologically nested
documents, and NUL characters or lone UTF-16 surrogates in any key or value
(``\\u0000`` / ``\\ud800`` are valid JSON escapes, but neither PostgreSQL text
nor jsonb can hold them).

A parsed value can only hold one when the UTF-8 text has its escape (``\\u0000``,
``\\uD800``-``\\uDFFF``): JSON text refuses a raw NUL (a control character in a string) and
UTF-8 cannot encode a lone surrogate. A body without such an escape (nearly every one) is not
walked (issue 16: the walk cost ~25 us per DAI submission); one with it, or in another
encoding, is walked as before.
"""

from __future__ import annotations

import codecs
import io
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# The escapes a NUL or a (lone or paired) surrogate is written with in JSON text.
_UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


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


def _may_hold_unstorable(body: bytes, parser_context) -> bool:
    """False when the JSON text ``body`` cannot decode to a NUL or a surrogate."""
    encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    return not utf8 or _UNSTORABLE_ESCAPE.search(body) is not None


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError as exc:
            raise ParseError() from exc  # DRF's own translated «Solicitud mal formada»
        if not _may_hold_unstorable(body, parser_context):
            return data
        path = _unstorable_path(data)
        if path:
            raise ParseError(
                _("Carácter no permitido (NUL o sustituto UTF-16 aislado) en «%(campo)s».")
                % {"campo": path[:200]}
            )
        return data

"""A notice in the reader's language.

``notify(kind=…, params=…)`` stores the subject's and body's *message templates* (the Spanish
source strings, i.e. gettext msgids with ``%(name)s`` placeholders) and the parameters as
JSON in ``Notification.message``. They are rendered when read, under the active language:

* the template is translated with gettext (an unknown msgid stays Spanish);
* ``Decimal`` amounts, ``date`` and ``datetime`` parameters are kept typed and formatted with
  ``ecuapass.core.formatting`` (``47.860,00`` / ``47,860.00``, ``dd/mm/aaaa``);
* a lazy translation given as a parameter (a state or canal label) is translated too;
* a list parameter is rendered one item per line.

A notice written with plain text (older callers) shows that text as it was written.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from ecuapass.core import formatting

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "es"
# Category codes older callers wrote, mapped to the category they meant.
CATEGORY_ALIASES = {"edocs": "edoc", "declaraciones": "declaracion", "pagos": "pago"}


# --- storing ----------------------------------------------------------------------------------------
def source_text(value) -> str:
    """The Spanish source of a (lazy) translation: its msgid."""
    if value is None:
        return ""
    if translation.get_language() == SOURCE_LANGUAGE:  # no switch (a worker's, notify's own)
        return str(value)
    with translation.override(SOURCE_LANGUAGE):
        return str(value)


def encode(value):
    """A parameter as JSON that keeps its type."""
    if isinstance(value, Promise):
        return {"$t": source_text(value)}
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, float):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return str(value)


def pack(subject, body, params: dict | None) -> dict:
    """What ``Notification.message`` stores."""
    return {
        "subject": source_text(subject),
        "body": source_text(body),
        "params": {str(k): encode(v) for k, v in (params or {}).items()},
    }


# --- reading ----------------------------------------------------------------------------------------
def display(value, params: dict | None = None) -> str:
    """A stored parameter as the reader reads it, in the active language. A translated
    parameter may itself use the other parameters (``%(name)s``)."""
    if isinstance(value, dict):
        if "$t" in value:
            if not value["$t"]:
                return ""
            text = gettext(value["$t"])
            if params and "%(" in text:
                plain = {k: v for k, v in params.items() if not (isinstance(v, dict) and "$t" in v)}
                return text % {k: display(v) for k, v in plain.items()}
            return text
        if "$d" in value:
            return formatting.number(value["$d"])
        if "$dt" in value:
            return formatting.fecha_hora(value["$dt"])
        if "$date" in value:
            return formatting.fecha(value["$date"])
        return str(value)
    if isinstance(value, list):
        return "\n".join(display(v) for v in value)
    if value is None:
        return ""
    return str(value)


def _render(template: str, params: dict) -> str:
    text = gettext(template) if template else ""
    if not params or "%(" not in text:
        return text
    return text % {k: display(v, params) for k, v in params.items()}


def render(message: dict, part: str) -> str | None:
    """``part`` ("subject"/"body") of a stored message in the active language; None when the
    message cannot be rendered (the stored text is shown instead)."""
    if not message or not message.get(part):
        return None
    try:
        return _render(message[part], message.get("params") or {})
    except (KeyError, TypeError, ValueError):
        logger.warning("notice message not renderable: %r", message.get(part))
        return None


def subject(notice) -> str:
    text = render(notice.message, "subject")
    return text if text is not None else notice.subject


def body(notice) -> str:
    text = render(notice.message, "body")
    return text if text is not None else notice.body


def spanish(message: dict, part: str, fallback: str = "") -> str:
    """The Spanish text stored alongside (search by asunto, e-mail, API clients)."""
    if translation.get_language() == SOURCE_LANGUAGE:
        text = render(message, part)
    else:
        with translation.override(SOURCE_LANGUAGE):
            text = render(message, part)
    return text if text is not None else fallback


def stored(subject, body, params: dict | None) -> tuple[dict, str, str]:
    """What ``notify`` stores of a message with ``params``: ``pack``'s message and its
    Spanish subject and body — in one switch to the source language, not one per part."""
    with translation.override(SOURCE_LANGUAGE):
        message = pack(subject, body, params)
        return (
            message,
            spanish(message, "subject", message["subject"]),
            spanish(message, "body", message["body"]),
        )


def category_code(category: str) -> str:
    return CATEGORY_ALIASES.get(category, category)


def category_label(category: str) -> str:
    from .models import Category

    code = category_code(category)
    try:
        return str(Category(code).label)
    except ValueError:
        return str(Category.OTHER.label)

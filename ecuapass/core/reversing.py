"""``reverse()`` of a URL with one argument, reversed once per process (issue 16).

A reverse costs ~40 µs; the API's answers name each document's URL, and every notice a worker
writes names its document's page (``EDocument.get_absolute_url``: three per DAI processed).
``path_for(name, value)`` reverses ``name`` once per script prefix, URLconf and language with
a marker, then puts each value in the marker's place. A value reverse() would change (quote) or
refuse — anything but letters, digits and ``._~-`` — goes through reverse() itself.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# A value reverse() puts in a URL as it is: accepted by a <str:…> converter (no "/", not empty)
# and left alone by its quoting; one of digits only is reversed with a marker of digits, which an
# <int:…> converter accepts too.
_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")
_MARK = "Zq7MARKq7Z"
_DIGITS = "7301928465019283746"
_templates: dict[tuple, str] = {}


def path_for(name: str, value) -> str:
    """``reverse(name, args=[value])``, from a template reversed once (see the module). For
    routes whose one argument is ``<str:…>`` or ``<int:…>``: a narrower converter (``<slug:…>``)
    could refuse a value its template accepts."""
    text = str(value)
    if not _PLAIN.fullmatch(text):
        return reverse(name, args=[value])
    mark = _DIGITS if text.isdigit() else _MARK
    key = (name, mark, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF, get_language())
    template = _templates.get(key)
    if template is None:
        if len(_templates) > 256:
            _templates.clear()
        try:
            template = reverse(name, args=[mark])
        except NoReverseMatch:  # e.g. letters for an <int:…>: reverse() answers for the value
            template = ""
        if template.count(mark) != 1:
            template = ""
        _templates[key] = template
    if not template:
        return reverse(name, args=[value])
    return template.replace(mark, text)

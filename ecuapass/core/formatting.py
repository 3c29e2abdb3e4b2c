"""Numbers and dates as the reader reads them — the one place that decides their shape.

Spanish (Ecuador): amounts ``47.860,00``, percentages ``20,00 %``, dates ``dd/mm/aaaa``;
English: ``47,860.00``, ``20.00%``, and the same day-first dates (the customs convention, see
``config/formats``). Everything is formatted in the *active* language at the moment of
formatting, so templates, PDFs (rendered under the requester's language), exports' display
columns and notices (rendered when read, ``notifications.rendering``) agree.

Templates use the filters of ``{% load formato %}`` (``ecuapass/core/templatetags/formato.py``),
Python code calls these functions. Values may be ``Decimal``, ``int``, ``str`` (a JSON amount
such as ``"47860.00"``) or ``None`` (→ ``""``, or the ``empty`` given); a ``float`` is accepted
only through ``str()`` so that no binary rounding leaks into an amount.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.signals import setting_changed
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

__all__ = [
    "as_decimal",
    "money",
    "number",
    "percent",
    "fecha",
    "fecha_hora",
    "hora",
]


def as_decimal(value) -> Decimal | None:
    """``value`` as a Decimal; None for None/"" and for text that is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value, places: int | None = None, *, empty: str = "") -> str:
    """A number with thousands separators in the active language: ``1.234,5`` / ``1,234.5``.

    ``places``: decimals to show (rounded half-up); a negative number shows up to that many,
    without trailing zeros (``-4``: ``12,5``); None keeps the value's own decimals
    (``Decimal("12.500")`` → ``12,500``; an int shows none). Text that is not a number is
    returned unchanged (never a crash in a template)."""
    d = as_decimal(value)
    if d is None:
        return empty if value is None or value == "" else str(value)
    if not d.is_finite():
        return str(value)
    if places is not None and places < 0:  # up to -places decimals, trailing zeros dropped
        d = _quantize(d, -places)
        d = d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()
        pos = max(0, -d.as_tuple().exponent)
    elif places is not None:
        d = _quantize(d, places)
        pos = places
    else:
        exponent = d.as_tuple().exponent
        pos = max(0, -exponent) if isinstance(exponent, int) else 0
    if d == 0:
        d = abs(d)  # never "-0,00"
    return formats.number_format(d, decimal_pos=pos, use_l10n=True, force_grouping=True)


def money(value, places: int = 2, *, empty: str = "") -> str:
    """An amount: two decimals (half-up), thousands separators — ``47.860,00`` / ``47,860.00``."""
    return number(value, places, empty=empty)


def percent(value, places: int = 2, *, empty: str = "") -> str:
    """A percentage given in percent units (``20`` → ``20,00 %`` / ``20.00%``)."""
    d = as_decimal(value)
    if d is None:
        return empty if value is None or value == "" else str(value)
    # Translators: a percentage; Spanish writes a space before the sign, English none.
    return _("%(valor)s %%") % {"valor": number(d, places)}


def _as_date_or_datetime(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            if len(text) <= 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def fecha(value, *, empty: str = "") -> str:
    """A day, ``dd/mm/aaaa`` (an aware datetime is first moved to Ecuador's time)."""
    d = _as_date_or_datetime(value)
    if d is None:
        return empty if value is None or value == "" else str(value)
    if isinstance(d, dt.datetime):
        d = _local(d).date()
    return _day_text(d, get_language())


def fecha_hora(value, seconds: bool = False, *, empty: str = "") -> str:
    """A moment, ``dd/mm/aaaa hh:mm`` (``seconds``: ``hh:mm:ss``), in Ecuador's time."""
    d = _as_date_or_datetime(value)
    if d is None:
        return empty if value is None or value == "" else str(value)
    if not isinstance(d, dt.datetime):
        return fecha(d)
    fmt = "DATETIME_FORMAT" if seconds else "SHORT_DATETIME_FORMAT"
    local = _local(d)
    language = get_language()
    if _shows_fraction(fmt, language):
        return formats.date_format(local, fmt, use_l10n=True)
    # The same second reads the same: a page's rows, a batch's notices (issue 16).
    naive = local.replace(microsecond=0, tzinfo=None)
    return _moment_text(naive, local.tzinfo, local.utcoffset(), fmt, language)


# Django's date formatting walks the format string character by character (~20 µs a value on
# this VM); the texts are kept per language, format and value — a moment to the second unless
# the language's format shows fractions. Bounded: values seen once fall out.
@functools.lru_cache(maxsize=256)
def _day_text(day: dt.date, language: str | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT", use_l10n=True)


@functools.lru_cache(maxsize=1024)
def _moment_text(naive: dt.datetime, tzinfo, offset, fmt: str, language: str | None) -> str:
    """``naive`` (a wall time) in ``tzinfo``; ``offset`` tells apart the two readings of a
    wall time a clock change repeats."""
    return formats.date_format(naive.replace(tzinfo=tzinfo), fmt, use_l10n=True)


@functools.lru_cache(maxsize=64)
def _shows_fraction(fmt: str, language: str | None) -> bool:
    return any(char in formats.get_format(fmt, language) for char in "uv")


def _forget_texts(*, setting: str, **kwargs) -> None:
    """A test that changes a format (or where formats come from) reads the new one."""
    if setting.endswith("FORMAT") or setting in {"FORMAT_MODULE_PATH", "LANGUAGE_CODE"}:
        for cached in (_day_text, _moment_text, _shows_fraction):
            cached.cache_clear()


setting_changed.connect(_forget_texts, dispatch_uid="core.formatting.texts")


def hora(value, *, empty: str = "") -> str:
    """The time of day of a moment, ``hh:mm``, in Ecuador's time."""
    d = _as_date_or_datetime(value)
    if not isinstance(d, dt.datetime):
        return empty if value is None or value == "" else str(value)
    return formats.time_format(_local(d), "H:i", use_l10n=True)

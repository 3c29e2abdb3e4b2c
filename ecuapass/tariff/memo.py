"""In-memory copies of the tariff for the DAI pipeline (issue 16): the tax rules and the
10-digit lines (with their measures) in force on a date, kept per process and dropped when the
tariff's version (``tariff.version``) changes.

Only code that opts in reads them — ``with memo.using():`` around the worker's batch and the
API's submission; everything else reads the database as before. The version is read once on
entry (one cache read for a whole batch); a change made in this process drops the copies at
once (the tariff's signals and ``version.bump`` call ``clear``), a change made by another
process when its commit bumps the version, i.e. at this process's next ``using()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date

_local = threading.local()
_lock = threading.Lock()
# The copies of one version: {"version": token, "rules": {date: {...}}, "lines": {(code, date): line|None}}
_store: dict = {"version": None, "rules": {}, "lines": {}}
MAX_LINES = 50_000  # (code, date) pairs kept before starting afresh


def active() -> bool:
    return getattr(_local, "depth", 0) > 0


@contextmanager
def using():
    """Serve the tariff from memory inside the block (re-entrant)."""
    from . import version

    if not active():
        token = version.current()
        with _lock:
            if _store["version"] != token:
                _reset(token)
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        yield
    finally:
        _local.depth -= 1


def clear() -> None:
    """Drop every copy (the tariff changed in this process)."""
    with _lock:
        _reset(None)


def _reset(token) -> None:
    _store["version"] = token
    _store["rules"] = {}
    _store["lines"] = {}


def rules(on: date, load: Callable[[date], dict]) -> dict:
    found = _store["rules"].get(on)
    if found is None:
        found = _store["rules"][on] = load(on)
    return found


def lines(codes: Iterable[str], on: date, load: Callable[[set[str], date], dict]) -> dict:
    """The lines of ``codes`` in force on ``on`` (as ``lookup.lines_in_force``), the codes not
    seen yet on that date read with ``load`` in one query."""
    kept = _store["lines"]
    wanted = set(codes)
    missing = {c for c in wanted if (c, on) not in kept}
    if missing:
        if len(kept) + len(missing) > MAX_LINES:
            kept.clear()
            missing = wanted
        found = load(missing, on)
        for code in missing:
            kept[(code, on)] = found.get(code)
    return {c: kept[(c, on)] for c in wanted if kept.get((c, on)) is not None}

"""Memory of one worker's batch (issue 16): what processing looks up again and again, once.

``edocs.services.process_batch`` opens ``scope()`` around its batch and ``document()`` around
each document. Inside them:

* ``memo(key, load)`` — a read-mostly look-up (a catalog, the risk profiles or the cargo
  control in force on a date, the permit types of a tariff line…) loaded once per batch. Only
  for rows the batch never writes; the key carries what the answer depends on (e.g. the
  document's date), so effective-dated rows are still chosen per document.
* ``remember(key, value)`` / ``recalled(key)`` — what this document's processing itself wrote
  (e.g. the obligation it issued), dropped when the document ends, and recorded only under the
  document's own savepoint (never under a nested one that may roll back while it goes on).
* ``known_absent(name, key, …)`` / ``written(name, key)`` — no row of a kind exists yet for one
  of the batch's documents (an aforo case, an obligation), known from one query for the batch;
  anything written for it since sends the caller back to its own look-up.
* ``at_end(callback)`` — run ``callback()`` once at the batch's end, in its transaction, before
  its commit (e.g. the liquidaciones the batch froze, written in one UPDATE).
* ``insert_at_end(row)`` — an unsaved row nothing in the batch reads back (a move's history
  row) is written at the batch's end with the batch's other rows of its model, in one INSERT;
  a savepoint rolled back (a document, a despacho that could not open) drops the rows held
  under it.
* ``is_current(edoc)`` — ``edoc`` is the batch's own instance of a row the batch holds locked
  since it claimed it, so its attributes are the row's (``lifecycle.fire`` moves it in place).
* ``saved_once(edoc)`` — while the batch processes its current document, the moves
  ``lifecycle.fire`` makes of it change the instance only; the caller writes the row once, at
  the end of the document, under its savepoint (one UPDATE instead of one per move).

Outside a batch (the portal, the API, the admin, tests calling services directly) ``memo``
calls ``load()`` every time, nothing is remembered or known absent and ``is_current`` is False:
behaviour is exactly what it was. Nothing outlives the batch: no stale copy leaks to the next
batch or process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from contextlib import contextmanager
from typing import Any

from django.db import connection

_local = threading.local()


def active() -> bool:
    return getattr(_local, "memo", None) is not None


@contextmanager
def scope():
    """The batch's memory inside the block (re-entrant: a nested scope shares the outer one)."""
    if active():
        yield
        return
    _local.memo = {}
    _local.doc = None
    _local.current = set()
    _local.keep = []
    _local.unsaved = None
    _local.end = []
    _local.rows = []
    try:
        yield
        if _local.end:  # rows held or writes deferred that nobody wrote: fail, never lose them
            raise RuntimeError("edocs.batch: the batch ended without end(); writes were pending")
    finally:
        _local.memo = None
        _local.doc = None
        _local.current = set()
        _local.keep = []
        _local.unsaved = None
        _local.end = []
        _local.rows = []


def hold(edocs: Iterable) -> None:
    """``edocs`` are the batch's instances of the rows it locked (``is_current``)."""
    if active():
        edocs = list(edocs)
        _local.keep.extend(edocs)  # their ids stay theirs while the batch runs
        _local.current.update(id(e) for e in edocs)


@contextmanager
def document(*, savepoint: bool = True):
    """One document of the batch: what it ``remember``s starts empty and is dropped at the end.

    ``savepoint``: the caller opens the document's own savepoint next (``process_batch``:
    ``document()``, then ``atomic()``). Without one (``savepoint=False``, ``without_savepoints``)
    a failure anywhere in the document rolls the whole batch attempt back."""
    if not active():
        yield
        return
    outer = (
        _local.doc,
        getattr(_local, "depth", None),
        getattr(_local, "after", None),
        getattr(_local, "bare", False),
    )
    _local.doc = {}
    _local.after = []
    _local.depth = len(connection.savepoint_ids) + (1 if savepoint else 0)
    _local.bare = not savepoint
    try:
        yield
        for callback in _local.after:  # its savepoint was released: what it wrote stays
            callback()
    finally:
        _local.doc, _local.depth, _local.after, _local.bare = outer


def without_savepoints() -> bool:
    """The current document of the batch runs without a savepoint of its own: a part of it
    that would roll back alone and let the document go on (a despacho that cannot open) must
    raise instead — the batch then runs again, each document in its savepoint."""
    return active() and _local.doc is not None and getattr(_local, "bare", False)


def after_document(callback: Callable[[], None]) -> bool:
    """Run ``callback`` when the current document of the batch ends without error (its writes
    are then the batch's for good); never if it is rolled back. Nothing outside a document.
    Returns whether it will run (False outside a document)."""
    if active() and _local.doc is not None:
        _local.after.append(callback)
        return True
    return False


def document_level() -> bool:
    """Inside a document of the batch, directly under its own savepoint (not a nested one that
    may roll back while the document goes on): what ``after_document`` then runs is kept
    exactly when what the caller writes now is."""
    return active() and _local.doc is not None and len(connection.savepoint_ids) == _local.depth


def at_end(callback: Callable[[], None]) -> None:
    """Run ``callback()`` at the end of the batch, in its transaction (``end``); the caller
    registers it once (e.g. when its first entry is kept). Nothing outside a batch."""
    if active():
        _local.end.append(callback)


def end() -> None:
    """The batch's end (``process_batch``, before its commit): the ``at_end`` callbacks, in
    their order. Those a callback registers run too."""
    if not active():
        return
    while _local.end:
        _local.end.pop(0)()


def memo(key: Hashable, load: Callable[[], Any]) -> Any:
    """``load()`` once per batch under ``key`` (every time outside a batch)."""
    store = getattr(_local, "memo", None)
    if store is None:
        return load()
    try:
        return store[key]
    except KeyError:
        value = store[key] = load()
        return value


def remember(key: Hashable, value: Any) -> None:
    """Record ``value`` for this document (``recalled``); nothing outside one.

    Only what is written under the document's own savepoint is recorded: inside a nested
    savepoint (which may roll back while the document goes on) nothing is."""
    store = getattr(_local, "doc", None) if active() else None
    if store is not None and len(connection.savepoint_ids) == _local.depth:
        store[key] = value


def recalled(key: Hashable, default: Any = None) -> Any:
    """What this document recorded under ``key`` (``remember``), else ``default``."""
    store = getattr(_local, "doc", None) if active() else None
    return default if store is None else store.get(key, default)


def held() -> list:
    """The batch's locked document instances (``hold``); empty outside a batch."""
    return list(_local.keep) if active() else []


def known_absent(
    name: str,
    key: Hashable,
    universe: Callable[[], set],
    existing: Callable[[set], set],
) -> bool:
    """True when no row of kind ``name`` exists for ``key``, known without a query: ``key`` is
    one of the batch's ``universe()`` (e.g. its documents), ``existing(universe)`` — read once,
    when first asked — did not have it, and nothing was ``written`` for it since. False
    outside a batch or when unsure (the caller then looks it up as always)."""
    if not active():
        return False

    def load():
        keys = set(universe())
        return keys, (set(existing(keys)) if keys else set()), set()

    keys, found, since = memo(("absent", name), load)
    return key in keys and key not in found and key not in since


def written(name: str, key: Hashable) -> None:
    """A row of kind ``name`` was written for ``key`` (``known_absent`` looks it up again)."""
    state = _local.memo.get(("absent", name)) if active() else None
    if state is not None:
        state[2].add(key)


def is_current(edoc) -> bool:
    """``edoc`` is the batch's own locked instance of its row (see the module's docstring)."""
    return active() and id(edoc) in _local.current


@contextmanager
def saved_once(edoc):
    """Inside the block, ``lifecycle.fire`` moves ``edoc`` — the batch's current instance of its
    row — in memory only (``save_deferred``); the caller saves it once after the block, inside
    the document's savepoint. Whatever reads the document meanwhile reads this instance (the
    on_move listeners get it from the history row; ``is_current`` callers trust its
    attributes); a move rolled back with a nested savepoint gives the instance its attributes
    back (``lifecycle.fire``, ``despacho.despachar_aceptado``), so the one save writes only what
    stays. Outside a batch, or for another instance, nothing changes. Yields whether the
    caller saves at the end."""
    if not is_current(edoc):
        yield False
        return
    outer, _local.unsaved = _local.unsaved, id(edoc)
    try:
        yield True
    finally:
        _local.unsaved = outer


def save_deferred(edoc) -> bool:
    """``edoc``'s row is written once at the end of its document (``saved_once``)."""
    return active() and _local.unsaved == id(edoc)


def insert_at_end(row) -> bool:
    """Hold the unsaved ``row`` for the batch's end, where it is inserted with the batch's other
    held rows of its model in one statement (``core.db.insert``), in the order they
    were held; a savepoint rolled back drops what was held under it (``core.db.hold``). Only
    for rows nothing reads back before the batch ends. False outside a batch: the caller
    saves the row itself."""
    if not active():
        return False
    from ecuapass.core.db import hold

    if not _local.rows:
        at_end(_insert_held)
    hold(_local.rows, row)
    return True


def _insert_held() -> None:
    from ecuapass.core.db import insert, still_held

    rows, _local.rows = still_held(_local.rows), []
    by_model: dict[type, list] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for group in by_model.values():
        insert(group)

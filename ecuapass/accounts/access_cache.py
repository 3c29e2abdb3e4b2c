"""What every request reads about its user, cached per user with version keys.

The frame and the grant checks read, on every request, the active código de OCE re-checked
against the user's grants, the grant's menu options, the menu entries and Mi menú: four to six
queries before the screen's own. They are kept in one cache entry per (user, código de OCE),
a ``Snapshot`` of named sections, read with one ``get_many`` together with two version keys:

* ``access:v`` — bumped when anything shared changes (códigos de OCE, registrations,
  operators, tipos de OCE, the menu's entries and who sees them, granted options);
* ``access:v:u<id>`` — bumped when the user, one of its grants or its Mi menú changes.

A snapshot stored under other versions is ignored, so withdrawing a grant takes effect on the
next request, as before. Versions are bumped when the data change and again after the commit
(a snapshot computed meanwhile from the old data cannot outlive it), with a fresh random token, so a
lost or evicted version key can only cause a miss, never a stale hit. ``TTL`` bounds what a
change made behind the ORM's back (``QuerySet.update``) could leave cached.

Sections are registered by the context that owns them (``register_section``): ``oce`` here,
the menu's in ``portal.menu``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from ecuapass.core.process_cache import ProcessCache

GLOBAL_KEY = "access:v"
TTL = 300

_SECTIONS: dict[str, Callable[[Any, str], Any]] = {}


def register_section(name: str, compute: Callable[[Any, str], Any]) -> None:
    """``compute(user, oce_code_string)`` returns a picklable value (models included)."""
    _SECTIONS[name] = compute


def _user_key(user_id) -> str:
    return f"access:v:u{user_id}"


def _blob_key(user_id, code: str) -> str:
    return f"access:s:u{user_id}:{code or '-'}"


# Bumps made by this process: a per-request memo taken before one of them is read again.
_generation = 0


def _fresh(key: str) -> str:
    global _generation
    _generation += 1
    token = uuid.uuid4().hex
    cache.set(key, token, None)
    return token


def _bump(key: str) -> None:
    # Now (this transaction's own later reads) and again after the commit (what another
    # request cached meanwhile from the data as it was before the commit).
    _fresh(key)
    transaction.on_commit(lambda: _fresh(key))


def bump_all() -> None:
    _bump(GLOBAL_KEY)


def bump_user(user_id) -> None:
    if user_id is not None:
        _bump(_user_key(user_id))


def global_version() -> str:
    """The shared version alone (what anonymous visitors' menus depend on): one cache read."""
    token = cache.get(GLOBAL_KEY)
    if not token:
        token = uuid.uuid4().hex
        cache.add(GLOBAL_KEY, token, None)
        token = cache.get(GLOBAL_KEY) or token
    return token


def snapshot_keys(user_id, code: str) -> list[str]:
    """The cache keys a snapshot reads: a caller may read them together with its own keys in
    one ``get_many`` and pass the result to ``snapshot(…, got=…)`` (the API's token)."""
    return [GLOBAL_KEY, _user_key(user_id), _blob_key(user_id, code or "")]


def versions_in(got: dict, user_id) -> tuple | None:
    """The (shared, user) versions found in a ``get_many`` of ``snapshot_keys``; None if one is
    missing (then nothing cached under them can be trusted)."""
    shared, own = got.get(GLOBAL_KEY), got.get(_user_key(user_id))
    return (shared, own) if shared and own else None


# This process's copy of the snapshots it read last, under the versions they were stored with:
# a steady request reads the two version keys only, not the snapshot's pickled blob (~10 KB of
# model instances, most of the read's cost). Entries end when the blob they copy would (TTL from
# its write), so a change behind the ORM's back is bounded as before.
MEMO_SIZE = 2048
# key → (version, data); the clock read at each use
_memo = ProcessCache(MEMO_SIZE, timer=lambda: time.time())


def _memo_get(key: str, version: tuple):
    item = _memo.get(key)
    if item is None:
        return None
    if item[0] != version:
        _memo.pop(key)
        return None
    return item[1]


def _memo_set(key: str, version: tuple, data: dict, written_at: float) -> None:
    _memo.set(key, (version, dict(data)), ends=written_at + TTL)


class Snapshot:
    """The cached sections of one (user, código de OCE); missing sections are computed once."""

    def __init__(self, user, code: str, got: dict | None = None, blob_read: bool = True):
        """``got``: a ``get_many`` that read ``snapshot_keys`` — the blob's too unless
        ``blob_read`` is False (then it is read here when this process has no copy)."""
        self.user = user
        self.code = code or ""
        self.key = _blob_key(user.pk, self.code)
        keys = snapshot_keys(user.pk, self.code)
        if got is None:
            got = cache.get_many(keys[:2])  # the blob only when this process has no copy
            read_blob = True
        else:
            read_blob = not blob_read
        missing = {k: uuid.uuid4().hex for k in keys[:2] if not got.get(k)}
        if missing:
            cache.set_many(missing, None)
        self.version = tuple(got.get(k) or missing[k] for k in keys[:2])
        kept = None if missing else _memo_get(self.key, self.version)
        if kept is not None:
            self.data: dict = dict(kept)
            return
        blob = cache.get(self.key) if read_blob and not missing else got.get(self.key)
        if blob and blob.get("v") == self.version:
            self.data = dict(blob["data"])
            _memo_set(self.key, self.version, self.data, blob.get("at") or time.time())
        else:
            self.data = {}

    def get(self, name: str):
        if name not in self.data:
            # A miss computes every section at once: one write to the cache, not one each.
            for section, compute in _SECTIONS.items():
                if section not in self.data:
                    self.data[section] = compute(self.user, self.code)
            now = time.time()
            cache.set(self.key, {"v": self.version, "data": self.data, "at": now}, TTL)
            _memo_set(self.key, self.version, self.data, now)
        return self.data[name]


def snapshot(user, code: str, got: dict | None = None, blob_read: bool = True) -> Snapshot:
    """The user's snapshot for ``code``, read from the cache once per request (memo on the user);
    ``got``: what a ``get_many`` of ``snapshot_keys`` already read (no second read)."""
    memo = user.__dict__.get("_access_snapshots")
    if memo is None or memo[0] != _generation:
        memo = user.__dict__["_access_snapshots"] = (_generation, {})
    snap = memo[1].get(code or "")
    if snap is None:
        snap = memo[1][code or ""] = Snapshot(user, code, got, blob_read)
    return snap


def forget(user) -> None:
    """Drop the per-request memo (after a change in the same request)."""
    user.__dict__.pop("_access_snapshots", None)


# --- invalidation: accounts' and core's models --------------------------------------------
def bump_on_change(model, user_of=None) -> None:
    """Bump the access version when a ``model`` row is saved or deleted: the user's
    (``user_of(row)`` → its id) or, without ``user_of``, everyone's."""
    from django.db.models.signals import post_delete, post_save

    def receiver(sender, instance, **kwargs):
        if user_of is None:
            bump_all()
        else:
            bump_user(user_of(instance))

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(
            receiver,
            sender=model,
            weak=False,
            dispatch_uid=f"access_v_{model._meta.label_lower}_{name}",
        )


def connect() -> None:
    """Connect the receivers (from ``accounts.signals``)."""
    from ecuapass.core.models import OceType

    from .models import Grant, OceCode, OceRegistration, Operator, User

    for model in (OceCode, OceRegistration, Operator, OceType):
        bump_on_change(model)
    bump_on_change(User, lambda user: user.pk)
    bump_on_change(Grant, lambda grant: grant.user_id)


def _active_oce(user, code: str):
    from .context import usable_codes

    if not code:
        return None
    return usable_codes(user).filter(code=code).first()


register_section("oce", _active_oce)

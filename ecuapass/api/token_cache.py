"""Operators' API tokens kept in the cache (issue 16): one cache read authenticates a request.

A token, loaded with its user, código de OCE, registration, tipo and operator, is stored under
``api:tok:<hash>`` together with the user's access versions (``accounts.access_cache``) it was
read under. A request reads that entry **and** the user's access snapshot for the token's code
in one ``get_many``; the entry counts only when its versions are the current ones, so:

* revoking, editing or deleting a token bumps its user's version (``connect``: the old user's
  too when an edit moves it), as does a change of the user or of its grants;
* a change of a código de OCE, registration, operator or tipo bumps the shared version —

and the next request reads the token from the database again. The versions are read *before*
the database, so a change committed meanwhile cannot leave a stale entry behind (the same rule
as the access snapshot's); an entry is only stored when both versions were found.

To read the user's versions before the token, this process remembers each hash's user and
code (``_where``: facts of a token that only an admin's edit changes, checked against the
entry). A hash seen for the first time in a process is read from the database and nothing is
cached: from its second request on, the cache serves it.

This process also keeps a pickled copy of each entry it read, under its versions: a steady
request reads the two version keys only (the access snapshot keeps its copy likewise), and any
bump sends it back to the shared entry.

The same ``get_many`` reads the tariff's version for the request (``tariff.version.early_keys``):
a submission's liquidación then needs no cache read of its own.

The user in the entry has no password (deferred: the API never reads it; a ``save`` of it
writes the loaded fields only).
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable

from django.core.cache import cache

from ecuapass.accounts import access_cache
from ecuapass.core.process_cache import ProcessCache
from ecuapass.tariff import version as tariff_version

TTL = access_cache.TTL
MAX_KNOWN = 10_000  # hashes whose user and code this process knows
KEPT_SIZE = 2048  # entries this process keeps a copy of (~3 KB each), least recent dropped

# key_hash → (user id, código de OCE), learnt from the database.
_where: dict[str, tuple[int, str]] = {}
_VERSION = "_token_cache_version"

# This process's copy of the entries it read (pickled: each request gets its own instances),
# under their versions: a steady request reads the two version keys only (the access snapshot
# keeps its own copy likewise). A copy ends when the entry it copies would (TTL from its write).
# key_hash → (version, pickled token); the clock read at each use
_kept = ProcessCache(KEPT_SIZE, timer=lambda: time.time())


def _kept_get(key_hash: str):
    return _kept.get(key_hash)


def _keep(key_hash: str, version: tuple, data: bytes, written_at: float) -> None:
    _kept.set(key_hash, (version, data), ends=written_at + TTL)


def _key(key_hash: str) -> str:
    return f"api:tok:{key_hash}"


def _learn(key_hash: str, token) -> None:
    if len(_where) >= MAX_KNOWN:
        _where.clear()
    _where[key_hash] = (token.user_id, token.oce_code.code)


def find(key_hash: str, load: Callable):
    """The active token of ``key_hash`` (``load()`` reads it from the database) or None; the
    user's access snapshot for its code is left in the per-request memo (no second read)."""
    where = _where.get(key_hash)
    if where is None:
        token = load()
        if token is not None:
            _learn(key_hash, token)
        return token
    user_id, code = where
    kept = _kept_get(key_hash)
    if kept is not None:  # the versions only; the entry and the snapshot from this process
        got = cache.get_many(
            [*access_cache.snapshot_keys(user_id, code)[:2], *tariff_version.early_keys()]
        )
        tariff_version.read_early(got)
        version = access_cache.versions_in(got, user_id)
        if version is not None and version == kept[0]:
            token = pickle.loads(kept[1])  # noqa: S301 - our own pickle of our own entry
            token.__dict__[_VERSION] = version
            access_cache.snapshot(token.user, code, got, blob_read=False)
            return token
    key = _key(key_hash)
    got = cache.get_many(
        [key, *access_cache.snapshot_keys(user_id, code), *tariff_version.early_keys()]
    )
    tariff_version.read_early(got)
    version = access_cache.versions_in(got, user_id)
    entry = got.get(key)
    token = None
    if version is not None and entry and entry.get("v") == version:
        token = entry["token"]
        if token.user_id != user_id or token.oce_code.code != code:
            token = None
        else:
            _keep(key_hash, version, _pickled(token), entry.get("at") or time.time())
    if token is None:
        token = load()
        if token is None:
            _where.pop(key_hash, None)
            return None
        if (token.user_id, token.oce_code.code) != where:  # moved by an admin's edit
            _learn(key_hash, token)
            return token
        if version is not None:
            _store(key, version, token)
    token.__dict__[_VERSION] = version
    access_cache.snapshot(token.user, code, got)
    return token


def refresh(token) -> None:
    """Store ``token`` again after its ``last_used_on`` was written (same versions)."""
    version = token.__dict__.get(_VERSION)
    if version is not None:
        _store(_key(token.key_hash), version, token)


def _pickled(token) -> bytes:
    user = token.user
    # Neither the password nor this request's memo goes to the cache or the copy.
    held = {
        n: user.__dict__.pop(n) for n in ("password", "_access_snapshots") if n in user.__dict__
    }
    mine = token.__dict__.pop(_VERSION, None)
    try:
        return pickle.dumps(token, pickle.HIGHEST_PROTOCOL)
    finally:
        user.__dict__.update(held)
        if mine is not None:
            token.__dict__[_VERSION] = mine


def _store(key: str, version: tuple, token) -> None:
    data = _pickled(token)
    now = time.time()
    # The cache pickles the entry again: a copy from our pickle keeps password and memo out.
    cache.set(key, {"v": version, "token": pickle.loads(data), "at": now}, TTL)  # noqa: S301
    _keep(key.removeprefix("api:tok:"), version, data, now)


def forget_all() -> None:
    """Forget what this process learnt (tests)."""
    _where.clear()
    _kept.clear()


# --- invalidation -------------------------------------------------------------------------
def connect() -> None:
    """A token's save or delete bumps its user's access version (and the previous user's when
    an edit moved it): the cached entry is not used again."""
    from django.db.models.signals import post_delete, post_save, pre_save

    from .models import ApiToken

    def before_save(sender, instance, update_fields=None, **kwargs):
        if instance.pk is None or (update_fields is not None and "user" not in update_fields):
            return
        before = ApiToken.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
        if before is not None and before != instance.user_id:
            access_cache.bump_user(before)

    def changed(sender, instance, **kwargs):
        access_cache.bump_user(instance.user_id)

    pre_save.connect(before_save, sender=ApiToken, weak=False, dispatch_uid="api_token_pre_save")
    post_save.connect(changed, sender=ApiToken, weak=False, dispatch_uid="api_token_post_save")
    post_delete.connect(changed, sender=ApiToken, weak=False, dispatch_uid="api_token_post_delete")

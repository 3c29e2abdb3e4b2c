"""A process's own small caches, shared by its threads (issue 16).

What the web and worker processes keep in memory beside the shared cache — rendered pages and
fragments, the tariff search's answers, access snapshots and API tokens under their versions,
decoded sessions — is one shape: a least-recently-used map of bounded size whose entries may
end at a time of their own. ``ProcessCache`` is that shape, on ``cachetools.TLRUCache`` behind
a lock. What is kept must carry its own validity (a version in the key or beside the value); an
entry's end only bounds what a missed invalidation could leave.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import TLRUCache


def _ends(_key, item, _now) -> float:
    return item[0]


class ProcessCache:
    """LRU of ``maxsize`` entries; an entry ends ``ttl`` seconds after it is set (by default
    ``default_ttl``; None: never) or at ``ends`` on ``timer``'s clock."""

    def __init__(
        self,
        maxsize: int,
        default_ttl: float | None = None,
        timer: Callable[[], float] = time.monotonic,
    ):
        self.default_ttl = default_ttl
        self.timer = timer
        self._data = TLRUCache(maxsize=maxsize, ttu=_ends, timer=timer)
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            item = self._data.get(key)
        return default if item is None else item[1]

    def set(
        self, key: Hashable, value: Any, ttl: float | None = None, *, ends: float | None = None
    ) -> None:
        if ends is None:
            ttl = self.default_ttl if ttl is None else ttl
            ends = math.inf if ttl is None else self.timer() + ttl
        with self._lock:
            self._data[key] = (ends, value)

    def pop(self, key: Hashable) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            self._data.expire()
            return len(self._data)

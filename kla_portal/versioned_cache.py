"""Values stored under a versioned key: in the shared cache, and a copy in this worker's memory.

A key that holds the data version (`kla_portal.versions`) names one value for good: after a
write, readers ask for another key, and nobody reads the old one again. So a copy kept in the
process is never stale, as long as the version itself is read from the shared cache on every
request (it is: `versions.current`). The copy spares the round trip to Redis (about 120 us from
Python here) and its unpickling; a page served from the caches asked Redis seven times before.

Only keys that hold a version may come here. Each value is stored with the time it stops
holding (the content cache's review queue holds only until a row's "waiting N days" moves), in
the shared cache too, so a copy taken from there expires when the shared entry does. Copies are
kept pickled, so no two requests share one object; a value marked `frozen` (a string, a tuple
of strings) is kept as it is. At most `LOCAL_ENTRIES` copies of at most `LOCAL_BYTES` each and
`LOCAL_TOTAL_BYTES` in all, the least recently used dropped first.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache import cache

# Part of every shared key: entries are (until, frozen, value); a key written by another
# release in another shape is never read.
FORMAT = "vc1"
LOCAL_ENTRIES = 512
LOCAL_BYTES = 512 * 1024  # one copy at most
LOCAL_TOTAL_BYTES = 32 * 1024 * 1024  # all of a worker's copies at most
MISSING = object()

_copies: OrderedDict[str, tuple[float, bool, object, int]] = OrderedDict()
_held = [0]  # bytes held by the copies
_lock = threading.Lock()


def _size(stored) -> int:
    if isinstance(stored, (bytes, str)):
        return len(stored)
    return sum(len(part) for part in stored)  # a frozen tuple of strings


def _keep(key: str, until: float, frozen: bool, value) -> None:
    stored = value if frozen else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    size = _size(stored)
    if size > LOCAL_BYTES:
        return
    with _lock:
        if key in _copies:
            _held[0] -= _copies.pop(key)[3]
        _copies[key] = (until, frozen, stored, size)
        _held[0] += size
        while len(_copies) > LOCAL_ENTRIES or _held[0] > LOCAL_TOTAL_BYTES:
            _held[0] -= _copies.popitem(last=False)[1][3]


def get(key: str):
    """The value under `key`, or MISSING: this worker's copy first, then the shared cache."""
    now = time.time()
    with _lock:
        copy = _copies.get(key)
        if copy is not None:
            if copy[0] > now:
                _copies.move_to_end(key)
            else:
                _held[0] -= _copies.pop(key)[3]
                copy = None
    if copy is not None:
        until, frozen, stored, _size_held = copy
        return stored if frozen else pickle.loads(stored)  # noqa: S301 - our own pickle
    entry = cache.get(f"{FORMAT}:{key}")
    if entry is None:
        return MISSING
    until, frozen, value = entry
    if until <= now:
        return MISSING
    _keep(key, until, frozen, value)
    return value


def put(key: str, value, seconds: float, *, frozen: bool = False) -> None:
    """Store `value` under `key` for `seconds`, in the shared cache and in this worker."""
    if seconds <= 0:
        return
    until = time.time() + seconds
    cache.set(f"{FORMAT}:{key}", (until, frozen, value), timeout=max(1, int(seconds)))
    _keep(key, until, frozen, value)


def forget_local() -> None:
    """Drop this worker's copies (tests that restart the shared cache)."""
    with _lock:
        _copies.clear()
        _held[0] = 0

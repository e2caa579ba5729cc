"""Cheap counters in the cache that refuse a request before any expensive work (hashing, mail).

A counter lives for one fixed window (aligned to the clock, so the wait time is known without a
second read); the cache's atomic `incr` keeps concurrent workers honest. With Redis every worker
and server shares the counts; with local memory each worker counts on its own.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Throttle:
    """At most `limit` hits per `window` seconds for one subject (an address, an email)."""

    name: str
    limit: int
    window: int

    def _key(self, subject: str, now: float) -> str:
        # Hashed: the subject may be an email address, which has no place in a cache key.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{int(now // self.window)}:{digest}"

    def wait_seconds(self, subject: str | None) -> int:
        """Seconds until the subject may try again; 0 while it is under the limit."""
        if not subject or self.limit <= 0:
            return 0
        now = time.time()
        if (cache.get(self._key(subject, now)) or 0) < self.limit:
            return 0
        return max(1, math.ceil(self.window - now % self.window))

    def hit(self, subject: str | None) -> int:
        """Count one hit; returns the count in the current window."""
        if not subject:
            return 0
        key = self._key(subject, time.time())
        cache.add(key, 0, timeout=self.window + 1)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: this hit opens the next window
            cache.set(key, 1, timeout=self.window + 1)
            return 1

    def take(self, subject: str | None) -> int:
        """Count a hit unless the subject is over the limit; the wait in seconds, 0 if taken."""
        wait = self.wait_seconds(subject)
        if not wait:
            self.hit(subject)
        return wait


def wait_text(seconds: int) -> str:
    """'Coba lagi dalam 3 menit.' for a wait, rounded up to whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("Coba lagi dalam %(n)d menit.", "Coba lagi dalam %(n)d menit.", minutes) % {
        "n": minutes
    }

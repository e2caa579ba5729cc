"""Score snapshots in the shared cache, never stale: every write to a period bumps its version.

A snapshot's key carries the period's version number, itself kept in the cache, and the
revision of the period's framework edition (bumped by every framework edit, see
clusters.services.framework_revise). Reading takes both first and computes after, so a write
that commits meanwhile changes the key and the snapshot stored under the old one is simply
never read again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from clusters.scoring import Score
from indicators.models import Period
from indicators.selectors.periods import NotFound
from indicators.selectors.readiness import requirements_stamp
from indicators.selectors.scores import BASES, READY, period_score

T = TypeVar("T")


def _version_key(period_id: int) -> str:
    return f"score-version:{period_id}"


def _version(period_id: int) -> int:
    key = _version_key(period_id)
    version = cache.get(key)
    if version is None:
        # Start from the clock, not 1: if the version was evicted, old snapshots keyed with
        # small numbers must not come back to life.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def period_cached(period: Period, name: str, compute: Callable[[], T]) -> T:
    """What `compute` returns for the period, cached until the next write to it or its framework.

    `period.framework` should come joined (the selectors load periods with it), or reading its
    revision costs a query.
    """
    if not settings.SCORE_CACHE_SECONDS:
        return compute()
    key = f"{name}:{period.pk}:{period.framework.revision}:{_version(period.pk)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.SCORE_CACHE_SECONDS)
    return value


def cached_period_score(period: Period, basis: str) -> Score:
    """The period's score on a basis, from the cache when nothing changed since it was computed."""
    if basis not in BASES:
        raise NotFound(f"Basis '{basis}' tidak dikenal: pilih 'verified', 'self' atau 'ready'.")
    name = f"score:{basis}"
    if basis == READY:
        # Requirement edits and the reference date change readiness without writing to the period.
        name += f":{requirements_stamp(period)}"
    return period_cached(period, name, lambda: period_score(period, basis))


def score_cache_invalidate(period_id: int) -> None:
    """Make every cached score of the period stale; call after a write to it commits."""
    try:
        cache.incr(_version_key(period_id))
    except ValueError:  # no version yet (or evicted): nothing cached can be read anyway
        cache.add(_version_key(period_id), time.time_ns(), timeout=None)

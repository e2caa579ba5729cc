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

from clusters import scoring
from clusters.scoring import Score
from clusters.selectors import framework_spec
from indicators.models import Period
from indicators.selectors.periods import NotFound
from indicators.selectors.readiness import requirements_stamp, requirements_stamps
from indicators.selectors.scores import BASES, READY, answers_by_period, period_score

T = TypeVar("T")

# Part of every snapshot's key: bumped when a cached class changes shape, so a snapshot pickled
# by the previous release (a Score without `conditions`, a Plan without `unmet_conditions`) is
# never read back after a deploy. 2: issue 16, the category's conditions.
SNAPSHOT_FORMAT = 2


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
    key = _key(name, period, _version(period.pk))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.SCORE_CACHE_SECONDS)
    return value


def _key(name: str, period: Period, version: int) -> str:
    return f"{name}:v{SNAPSHOT_FORMAT}:{period.pk}:{period.framework.revision}:{version}"


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


def cached_period_scores(periods: list[Period], basis: str) -> dict[int, Score]:
    """Per period id, its score on a basis, as `cached_period_score` gives it one by one, for
    any number of periods in a constant number of queries: versions and snapshots read from
    the cache at once, the answers of every period not cached in one query, one framework spec
    per edition. The keys are `period_cached`'s, so both read each other's snapshots.
    """
    if basis not in BASES:
        raise NotFound(f"Basis '{basis}' tidak dikenal: pilih 'verified', 'self' atau 'ready'.")
    periods = list(periods)
    if not periods:
        return {}
    if not settings.SCORE_CACHE_SECONDS:
        return _scores(periods, basis)
    stamps = requirements_stamps(periods) if basis == READY else {}
    versions = _versions([p.pk for p in periods])
    keys = {}
    for p in periods:
        name = f"score:{basis}" + (f":{stamps[p.pk]}" if basis == READY else "")
        keys[p.pk] = _key(name, p, versions[p.pk])
    found = cache.get_many(list(keys.values()))
    scores = {pk: found[key] for pk, key in keys.items() if key in found}
    computed = _scores([p for p in periods if p.pk not in scores], basis)
    if computed:
        cache.set_many(
            {keys[pk]: score for pk, score in computed.items()},
            timeout=settings.SCORE_CACHE_SECONDS,
        )
    return scores | computed


def _versions(period_ids: list[int]) -> dict[int, int]:
    found = cache.get_many([_version_key(pk) for pk in period_ids])
    return {
        pk: found[_version_key(pk)] if _version_key(pk) in found else _version(pk)
        for pk in period_ids
    }


def _scores(periods: list[Period], basis: str) -> dict[int, Score]:
    if not periods:
        return {}
    answers = answers_by_period(periods, basis)
    specs = {}
    for period in periods:
        if period.framework_id not in specs:
            specs[period.framework_id] = framework_spec(period.framework)
    return {p.pk: scoring.score(specs[p.framework_id], answers[p.pk]) for p in periods}

"""Score snapshots in the shared cache, never stale: keyed by the data version.

A snapshot's key carries `kla_portal.versions.current()`, which moves after every committed
write to the data (status changes, imports, draft saves, evidence, framework edits, bulk
updates alike), and the day, since readiness judges documents by date. Reading takes the
version first and computes after, so a write that commits meanwhile changes the key and the
snapshot stored under the old one is simply never read again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from clusters import scoring
from clusters.scoring import Score
from clusters.selectors import framework_spec
from indicators.models import Period
from indicators.selectors.periods import NotFound
from indicators.selectors.scores import BASES, answers_by_period, period_score
from kla_portal import versions

T = TypeVar("T")

# Part of every snapshot's key: bumped when a cached class changes shape, so a snapshot pickled
# by the previous release (a Score without `conditions`, a Plan without `unmet_conditions`) is
# never read back after a deploy. 2: issue 16, the category's conditions.
SNAPSHOT_FORMAT = 2


def _key(period: Period, name: str, version: int) -> str:
    return f"{name}:v{SNAPSHOT_FORMAT}:{period.pk}:{timezone.localdate():%Y%m%d}:{version}"


def period_cached(period: Period, name: str, compute: Callable[[], T]) -> T:
    """What `compute` returns for the period, cached until the next write to the data."""
    return period_cached_many(period, {name: compute})[name]


def period_cached_many(period: Period, computes: dict[str, Callable[[], T]]) -> dict[str, T]:
    """Several snapshots of one period in one round trip to the cache; the missing computed."""
    version = versions.current()
    if version is None:
        return {name: compute() for name, compute in computes.items()}
    keys = {name: _key(period, name, version) for name in computes}
    found = cache.get_many(keys.values())
    values, missing = {}, {}
    for name, compute in computes.items():
        if keys[name] in found:
            values[name] = found[keys[name]]
        else:
            values[name] = missing[keys[name]] = compute()
    if missing:
        cache.set_many(missing, timeout=settings.SCORE_CACHE_SECONDS)
    return values


def inputs_cached(name: str, compute: Callable[[], T]) -> T:
    """What `compute` returns, cached under a `name` that holds a digest of everything it is
    computed from: no version in the key, so no write recomputes it unless its inputs change."""
    if not versions.enabled():
        return compute()
    key = f"inputs:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.SCORE_CACHE_SECONDS)
    return value


def _check(basis: str) -> None:
    if basis not in BASES:
        raise NotFound(f"Basis '{basis}' tidak dikenal: pilih 'verified', 'self' atau 'ready'.")


def cached_period_score(period: Period, basis: str) -> Score:
    """The period's score on a basis, from the cache when nothing changed since it was computed."""
    _check(basis)
    return period_cached(period, f"score:{basis}", lambda: period_score(period, basis))


def cached_period_scores(period: Period, *bases: str) -> list[Score]:
    """The period's scores on several bases in one round trip to the cache."""
    for basis in bases:
        _check(basis)
    found = period_cached_many(
        period, {f"score:{b}": (lambda b=b: period_score(period, b)) for b in bases}
    )
    return [found[f"score:{b}"] for b in bases]


def period_scores_of(periods: list[Period], basis: str) -> dict[int, Score]:
    """Per period id, its score on a basis, as `cached_period_score` gives it one by one, for
    any number of periods in a constant number of queries (the province overview): the
    snapshots read from the cache at once, the answers of every period not cached in one query,
    one framework spec per edition. The keys are `period_cached`'s, so both read each other's
    snapshots."""
    _check(basis)
    periods = list(periods)
    if not periods:
        return {}
    version = versions.current()
    if version is None:
        return _scores(periods, basis)
    keys = {p.pk: _key(p, f"score:{basis}", version) for p in periods}
    found = cache.get_many(list(keys.values()))
    scores = {pk: found[key] for pk, key in keys.items() if key in found}
    computed = _scores([p for p in periods if p.pk not in scores], basis)
    if computed:
        cache.set_many(
            {keys[pk]: score for pk, score in computed.items()},
            timeout=settings.SCORE_CACHE_SECONDS,
        )
    return scores | computed


def _scores(periods: list[Period], basis: str) -> dict[int, Score]:
    if not periods:
        return {}
    answers = answers_by_period(periods, basis)
    specs = {}
    for period in periods:
        if period.framework_id not in specs:
            specs[period.framework_id] = framework_spec(period.framework)
    return {p.pk: scoring.score(specs[p.framework_id], answers[p.pk]) for p in periods}

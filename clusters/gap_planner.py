"""The gap planner: which items would lift the verified total most, and the shortest way up.

Pure functions over a framework spec and the answers counted on the verified basis; no ORM.
Every gain is measured by re-scoring with `clusters.scoring.score` (cheap for a few hundred
items), never by adding estimates, because indicator points are rounded one by one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from clusters import scoring


@dataclass(frozen=True)
class Gain:
    """What fully meeting and approving one item would add to the verified total."""

    item: str
    indicator: str
    fraction: Fraction
    points: Decimal


@dataclass(frozen=True)
class Plan:
    """The ranking, and the shortest prefix of it that reaches the next category."""

    total: Decimal
    target: str | None
    ranking: list[Gain]
    steps: list[Gain]
    total_after: Decimal | None
    # When the target's total can be reached but not its conditions: the conditions (targets,
    # as in `kla_score`) that still fail once the points would be there.
    unmet_conditions: tuple[str, ...] = ()

    @property
    def reachable(self) -> bool:
        return self.target is not None and self.total_after is not None


def full_answer(spec: scoring.ItemSpec) -> scoring.Answer:
    """One answer that earns the item its best attainable fraction (1 for every shipped rule)."""
    if spec.kind == scoring.CHECK:
        return scoring.Answer(spec.code, yes=True)
    if spec.rule == scoring.BANDS:
        best = max(spec.bands, key=lambda band: (band[1], -band[0]))[0]
        target = Fraction(best)
    else:
        target = Fraction(spec.best)
    if spec.kind == scoring.PERCENT:
        # value = 100 x numerator / denominator, so a denominator of 100 carries the value as is
        return scoring.Answer(
            spec.code,
            numerator=Decimal(target.numerator) / target.denominator,
            denominator=Decimal(100),
        )
    lower_is_better = spec.rule == scoring.LINEAR and spec.best < spec.worst
    count = math.floor(target) if lower_is_better else math.ceil(target)
    return scoring.Answer(spec.code, count=max(count, 0))


def with_full(
    answers: Iterable[scoring.Answer], specs: Iterable[scoring.ItemSpec]
) -> list[scoring.Answer]:
    """The answers with every given item replaced by one fully-met answer."""
    specs = list(specs)
    codes = {spec.code for spec in specs}
    return [a for a in answers if a.item not in codes] + [full_answer(spec) for spec in specs]


def rank(framework: scoring.FrameworkSpec, answers: Sequence[scoring.Answer]) -> list[Gain]:
    """Items that would add points if fully met and approved, most points first."""
    base = scoring.score(framework, answers)
    fractions = {item.code: item.fraction for item in base.items}
    gains = []
    for spec in framework.items:
        gained = scoring.score(framework, with_full(answers, [spec])).total - base.total
        if gained > 0:
            gains.append(Gain(spec.code, spec.indicator, fractions[spec.code], gained))
    return sorted(gains, key=lambda gain: (-gain.points, gain.item))


def plan(framework: scoring.FrameworkSpec, answers: Sequence[scoring.Answer]) -> Plan:
    """Rank the items, then take the shortest prefix of the ranking that reaches the next band.

    A band is reached by its total and its conditions: items it needs at full value lead the
    prefix, and when the points are there but a condition still fails, the plan is not
    reachable and names the conditions (`unmet_conditions`) instead of claiming it.
    """
    answers = list(answers)
    base = scoring.score(framework, answers)
    ranking = rank(framework, answers)
    target = base.category.next_name
    specs = {spec.code: spec for spec in framework.items}
    if target is None:
        return Plan(base.total, None, ranking, [], None)
    band = next(band for band in framework.bands if band.name == target)
    minimum = Decimal(band.min_total)
    # Items the target band needs at full value go first, whatever points they add.
    # (even one that adds no points, so is not ranked).
    fractions = {item.code: item.fraction for item in base.items}
    gains = {gain.item: gain for gain in ranking}
    needed = [
        gains.get(c.code) or Gain(c.code, specs[c.code].indicator, fractions[c.code], Decimal(0))
        for c in band.conditions
        if c.kind == scoring.ITEM_FULL and c.code in specs and fractions[c.code] < 1
    ]
    codes = {gain.item for gain in needed}
    order = needed + [g for g in ranking if g.item not in codes]
    forced = len(needed)
    unmet: tuple[str, ...] = ()
    for size in range(max(forced, 1), len(order) + 1):
        chosen = [specs[gain.item] for gain in order[:size]]
        after = scoring.score(framework, with_full(answers, chosen))
        if _reached(after, target, framework):
            return Plan(base.total, target, ranking, order[:size], after.total)
        if after.total >= minimum:
            # Points alone would do: the band's conditions are what is missing.
            unmet = tuple(c.target for c in after.conditions if c.band == target and not c.met)
    if not ranking and base.total >= minimum:
        unmet = tuple(c.target for c in base.conditions if c.band == target and not c.met)
    return Plan(base.total, target, ranking, [], None, unmet)


def _reached(after: scoring.Score, target: str, framework: scoring.FrameworkSpec) -> bool:
    """Whether the re-scored answers earn the target band or a higher one: its total and its
    conditions (`scoring.categorize` is the rule)."""
    if after.category.name is None:
        return False
    order = [band.name for band in sorted(framework.bands, key=lambda b: b.min_total)]
    return order.index(after.category.name) >= order.index(target)

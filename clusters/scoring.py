"""The scoring core: plain answers in, item values, points and the category out.

Pure Python over plain values (no ORM), in exact arithmetic: values and fractions are
`fractions.Fraction`, only indicator points are rounded (2 decimals, half up), and clusters and
the total are sums of those rounded points. The rule is `shared/kla/README.md`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

# Only the messages need Django: they show in the admin, in the reader's language.
from django.utils.translation import gettext as _

CHECK, PERCENT, COUNT = "check", "percent", "count"
LINEAR, BANDS = "linear", "bands"
KINDS = (CHECK, PERCENT, COUNT)
RULES = (CHECK, LINEAR, BANDS)
CENT = Decimal("0.01")


def parse_bands(text: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """Parse `1:0.4|3:0.7|6:1` into ((1, 0.4), (3, 0.7), (6, 1)); raise ValueError if malformed."""
    pairs = []
    for part in filter(None, (p.strip() for p in (text or "").split("|"))):
        threshold, sep, fraction = part.partition(":")
        if not sep:
            raise ValueError(_("ambang '%(part)s' harus berbentuk nilai:fraksi") % {"part": part})
        try:
            pairs.append((Decimal(threshold), Decimal(fraction)))
        except ArithmeticError as exc:
            raise ValueError(_("ambang '%(part)s' bukan angka") % {"part": part}) from exc
    return tuple(pairs)


@dataclass(frozen=True)
class ItemSpec:
    """How one item is answered and scored."""

    code: str
    indicator: str
    kind: str
    rule: str
    weight: Decimal | int = 1
    worst: Decimal | None = None
    best: Decimal | None = None
    bands: tuple[tuple[Decimal, Decimal], ...] = ()

    def check(self) -> ItemSpec:
        """Raise ValueError when the rule cannot score this kind of answer."""
        if self.kind not in KINDS:
            raise ValueError(
                _("%(code)s: jenis isian tidak dikenal: %(kind)s")
                % {"code": self.code, "kind": self.kind}
            )
        if self.rule not in RULES:
            raise ValueError(
                _("%(code)s: aturan tidak dikenal: %(rule)s")
                % {"code": self.code, "rule": self.rule}
            )
        if (self.rule == CHECK) != (self.kind == CHECK):
            raise ValueError(
                _("%(code)s: aturan 'check' hanya untuk isian ya/tidak") % {"code": self.code}
            )
        if self.rule == LINEAR and (
            self.worst is None or self.best is None or self.worst == self.best
        ):
            raise ValueError(
                _("%(code)s: aturan linear butuh nilai terburuk dan terbaik berbeda")
                % {"code": self.code}
            )
        if self.rule == BANDS:
            thresholds = [t for t, _ in self.bands]
            if not self.bands or thresholds != sorted(set(thresholds)):
                raise ValueError(
                    _("%(code)s: ambang harus ada dan naik berurutan") % {"code": self.code}
                )
            if any(not 0 <= f <= 1 for _, f in self.bands):
                raise ValueError(
                    _("%(code)s: fraksi ambang harus antara 0 dan 1") % {"code": self.code}
                )
        if Fraction(self.weight) <= 0:
            raise ValueError(_("%(code)s: bobot harus lebih dari 0") % {"code": self.code})
        return self


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    cluster: str
    max_points: Decimal | int
    name: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class ClusterSpec:
    code: str
    name: str
    max_points: Decimal | int
    name_en: str = ""


ITEM_FULL, INDICATOR_SHARE = "item", "indicator"


@dataclass(frozen=True)
class ConditionSpec:
    """What a band needs beyond points: an item at full value, or an indicator at least
    `percent` % of its points (its rounded points against the exact share of its maximum)."""

    kind: str
    code: str
    percent: Decimal | None = None

    @property
    def target(self) -> str:
        """How the condition reads in `kla_score` and on the dashboard: `III.13.a` (at full
        value) or `II.8 ≥ 80%`."""
        if self.kind == ITEM_FULL:
            return self.code
        percent = Decimal(self.percent)
        shown = percent.quantize(Decimal(1)) if percent == percent.to_integral() else percent
        return f"{self.code} ≥ {shown}%"

    @classmethod
    def of(cls, kind: str, item_code: str | None, indicator_code: str | None, percent=None):
        """The one way a stored condition becomes plain values (from the model, or from the
        values the framework's spec reads in one query)."""
        if kind == ITEM_FULL:
            return cls(kind, item_code or "")
        return cls(kind, indicator_code or "", percent if percent is not None else Decimal(0))


@dataclass(frozen=True)
class BandSpec:
    name: str
    min_total: Decimal
    conditions: tuple[ConditionSpec, ...] = ()


@dataclass(frozen=True)
class FrameworkSpec:
    """A whole edition in plain values, in display order."""

    clusters: Sequence[ClusterSpec]
    indicators: Sequence[IndicatorSpec]
    items: Sequence[ItemSpec]
    bands: Sequence[BandSpec]


@dataclass(frozen=True)
class Answer:
    """One counted submission: `yes` for check, numerator/denominator for percent, count."""

    item: str
    yes: bool | None = None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    count: int | None = None


@dataclass(frozen=True)
class ItemResult:
    code: str
    value: Fraction | None
    fraction: Fraction


@dataclass(frozen=True)
class PointsResult:
    code: str
    points: Decimal
    max_points: Decimal
    name: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class ConditionResult:
    """One condition of a band and whether the score meets it."""

    band: str
    target: str
    met: bool


@dataclass(frozen=True)
class Category:
    name: str | None
    next_name: str | None
    points_to_next: Decimal | None
    # The next band's total is reached but one of its conditions is not (points_to_next is 0).
    next_blocked: bool = False


@dataclass(frozen=True)
class Score:
    total: Decimal
    category: Category
    clusters: list[PointsResult]
    indicators: list[PointsResult]
    items: list[ItemResult] = field(default_factory=list)
    conditions: list[ConditionResult] = field(default_factory=list)

    @property
    def max_total(self) -> Decimal:
        """The edition's full score (1000 in the shipped one): the sum of its clusters."""
        return _money(sum((c.max_points for c in self.clusters), Decimal(0)))

    def as_json(self) -> dict:
        """The `kla_score --format json` body, without region, period and basis."""
        return {
            "total": float(self.total),
            "category": self.category.name,
            "next_category": self.category.next_name,
            "points_to_next": _float(self.category.points_to_next),
            "clusters": [
                {
                    "code": c.code,
                    "name": c.name,
                    "points": float(c.points),
                    "max_points": float(c.max_points),
                }
                for c in self.clusters
            ],
            "indicators": [
                {"code": i.code, "points": float(i.points), "max_points": float(i.max_points)}
                for i in self.indicators
            ],
            "items": [
                {
                    "code": i.code,
                    "value": None if i.value is None else float(round_half_up(i.value)),
                    "fraction": float(i.fraction),
                }
                for i in self.items
            ],
            "conditions": [
                {"band": c.band, "target": c.target, "met": c.met} for c in self.conditions
            ],
        }


def _float(value):
    return None if value is None else float(value)


def round_half_up(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round exactly, halves away from zero, to `places` decimals."""
    value = Fraction(value)
    scale = 10**places
    sign = -1 if value < 0 else 1
    units = math.floor(abs(value) * scale + Fraction(1, 2))
    return (Decimal(sign * units) / Decimal(scale)).quantize(Decimal(1).scaleb(-places))


def combine(kind: str, answers: Iterable[Answer]) -> Fraction | None:
    """The item's value over its counted answers, or None when nothing counts."""
    answers = list(answers)
    if kind == CHECK:
        known = [a.yes for a in answers if a.yes is not None]
        return Fraction(int(any(known))) if known else None
    if kind == PERCENT:
        pairs = [(a.numerator, a.denominator) for a in answers]
        pairs = [(n, d) for n, d in pairs if n is not None and d is not None]
        denominator = sum((Fraction(d) for _, d in pairs), Fraction(0))
        if not pairs or denominator <= 0:
            return None
        return 100 * sum((Fraction(n) for n, _ in pairs), Fraction(0)) / denominator
    counts = [a.count for a in answers if a.count is not None]
    return Fraction(sum(counts)) if counts else None


def item_fraction(spec: ItemSpec, value: Fraction | None) -> Fraction:
    """Map an item's value to a fraction in [0, 1] by its rule; no value scores 0."""
    if value is None:
        return Fraction(0)
    if spec.rule == CHECK:
        return Fraction(1) if value else Fraction(0)
    if spec.rule == LINEAR:
        worst, best = Fraction(spec.worst), Fraction(spec.best)
        return min(Fraction(1), max(Fraction(0), (value - worst) / (best - worst)))
    reached = [Fraction(f) for threshold, f in spec.bands if value >= Fraction(threshold)]
    return reached[-1] if reached else Fraction(0)


def categorize(
    total: Decimal, bands: Sequence[BandSpec], met: dict[str, bool] | None = None
) -> Category:
    """The category a total earns, the next one up and the points still needed to enter it.

    The category is the highest band whose threshold is reached and whose conditions are all
    met (`met`: per band name, False when one of its conditions fails; bands not named have
    none). The next band is the one right above it; when its total is reached but a condition
    is not, `points_to_next` is 0 and `next_blocked` says so.
    """
    met = met or {}
    ordered = sorted(bands, key=lambda b: b.min_total)
    earned = [n for n, b in enumerate(ordered) if total >= b.min_total and met.get(b.name, True)]
    position = earned[-1] if earned else -1
    current = ordered[position].name if earned else None
    above = ordered[position + 1 :]
    if not above:
        return Category(current, None, None)
    gap = max(Decimal(above[0].min_total) - total, Decimal(0))
    return Category(current, above[0].name, gap, next_blocked=gap == 0)


def check_conditions(
    bands: Sequence[BandSpec],
    items: Sequence[ItemResult],
    indicators: Sequence[PointsResult],
) -> list[ConditionResult]:
    """Each condition of each band (in band order), and whether the results meet it."""
    fractions = {item.code: item.fraction for item in items}
    points = {ind.code: ind for ind in indicators}
    results = []
    for band in sorted(bands, key=lambda b: b.min_total):
        for condition in band.conditions:
            if condition.kind == ITEM_FULL:
                met = fractions.get(condition.code, Fraction(0)) == 1
            else:
                ind = points.get(condition.code)
                met = ind is not None and Fraction(ind.points) * 100 >= Fraction(
                    ind.max_points
                ) * Fraction(condition.percent)
            results.append(ConditionResult(band.name, condition.target, met))
    return results


def score(framework: FrameworkSpec, answers: Iterable[Answer]) -> Score:
    """Score an edition from the counted answers (already filtered to one basis)."""
    by_item: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_item[answer.item].append(answer)

    items, weighted = [], defaultdict(lambda: [Fraction(0), Fraction(0)])
    for spec in framework.items:
        value = combine(spec.kind, by_item.get(spec.code, ()))
        fraction = item_fraction(spec, value)
        items.append(ItemResult(spec.code, value, fraction))
        sums = weighted[spec.indicator]
        sums[0] += Fraction(spec.weight) * fraction
        sums[1] += Fraction(spec.weight)

    indicators, cluster_points = [], defaultdict(Decimal)
    for ind in framework.indicators:
        got, total_weight = weighted[ind.code]
        mean = got / total_weight if total_weight else Fraction(0)
        points = round_half_up(Fraction(ind.max_points) * mean)
        indicators.append(
            PointsResult(ind.code, points, _money(ind.max_points), ind.name, ind.name_en)
        )
        cluster_points[ind.cluster] += points

    clusters = [
        PointsResult(
            c.code, _money(cluster_points[c.code]), _money(c.max_points), c.name, c.name_en
        )
        for c in framework.clusters
    ]
    total = _money(sum((c.points for c in clusters), Decimal(0)))
    conditions = check_conditions(framework.bands, items, indicators)
    met = {c.band: True for c in conditions}
    for condition in conditions:
        met[condition.band] = met[condition.band] and condition.met
    category = categorize(total, framework.bands, met)
    return Score(total, category, clusters, indicators, items, conditions)


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT)

"""The province's overview: its regions ranked by verified, ready and self-assessed totals.

Every region's current period is scored in bulk (`score_cache.period_scores_of`, the same
snapshots the dashboards read), so the page costs the same queries for 3 regions or 30.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from clusters.scoring import Score
from indicators.models import Period, Region
from indicators.selectors.periods import current_periods
from indicators.selectors.score_cache import period_scores_of
from indicators.selectors.scores import READY, SELF, VERIFIED


@dataclass
class RegionRow:
    """One region of the province: its current period's three totals and the gaps between."""

    region: Region
    period: Period | None
    verified: Score | None = None
    ready: Score | None = None
    self_assessed: Score | None = None
    rank: int | None = None

    @property
    def at_risk(self) -> Decimal | None:
        """Claimed by the agencies, not yet approved by DP3AKB: self-assessed minus verified."""
        if self.verified is None:
            return None
        return self.self_assessed.total - self.verified.total

    @property
    def documents_gap(self) -> Decimal | None:
        """Approved, but without every required document in force: verified minus ready."""
        if self.verified is None:
            return None
        return self.verified.total - self.ready.total


def province_regions(province: str):
    return Region.objects.filter(province=province).order_by("name")


def province_overview(province: str) -> list[RegionRow]:
    """The province's regions, best verified first (then ready, then self-assessed); regions
    without a period last, unranked."""
    regions = list(province_regions(province))
    periods = current_periods(regions)
    chosen = list(periods.values())
    scores = {basis: period_scores_of(chosen, basis) for basis in (VERIFIED, READY, SELF)}
    rows = []
    for region in regions:
        period = periods.get(region.pk)
        row = RegionRow(region, period)
        if period is not None:
            row.verified = scores[VERIFIED][period.pk]
            row.ready = scores[READY][period.pk]
            row.self_assessed = scores[SELF][period.pk]
        rows.append(row)
    scored = sorted(
        (r for r in rows if r.period is not None),
        key=lambda r: (
            -r.verified.total,
            -r.ready.total,
            -r.self_assessed.total,
            r.region.name,
        ),
    )
    for n, row in enumerate(scored, start=1):
        row.rank = n
    return scored + [r for r in rows if r.period is None]

"""DP3AKB's review queue: what waits, per region and cluster, and what is overdue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from clusters import scoring
from clusters.models import Named
from indicators import roles
from indicators.models import Period, Region, Submission
from indicators.selectors.periods import current_period
from indicators.selectors.score_cache import cached_period_score
from indicators.selectors.scores import SELF, VERIFIED

# A submission waiting this long for DP3AKB is overdue: the ministry's stages leave little slack.
OVERDUE_AFTER = datetime.timedelta(days=5)
MAX_REGIONS_ON_INDEX = 5


def overdue_q(now: datetime.datetime | None = None) -> Q:
    """Submissions that have waited for review longer than OVERDUE_AFTER."""
    cutoff = (now or timezone.now()) - OVERDUE_AFTER
    return Q(status=Submission.Status.SUBMITTED, submitted_at__lt=cutoff)


@dataclass
class ClusterQueue(Named):
    code: str
    name: str
    verified: Decimal
    self_assessed: Decimal
    max_points: Decimal
    waiting: int = 0
    returned: int = 0
    overdue: int = 0
    name_en: str = ""


@dataclass
class RegionQueue:
    """One region's open period as a verifier sees it on the admin index."""

    region: Region
    period: Period
    verified: scoring.Score
    self_assessed: scoring.Score
    clusters: list[ClusterQueue]

    @property
    def waiting(self):
        return sum(c.waiting for c in self.clusters)

    @property
    def returned(self):
        return sum(c.returned for c in self.clusters)

    @property
    def overdue(self):
        return sum(c.overdue for c in self.clusters)


def region_queue(period: Period) -> RegionQueue:
    """Both scores (cached) and review counts per cluster, in a constant number of queries."""
    verified = cached_period_score(period, VERIFIED)
    self_assessed = cached_period_score(period, SELF)
    counts = {
        row["item__indicator__cluster__code"]: row
        for row in Submission.objects.filter(period=period)
        .values("item__indicator__cluster__code")
        .annotate(
            waiting=Count("pk", filter=Q(status=Submission.Status.SUBMITTED)),
            returned=Count("pk", filter=Q(status=Submission.Status.RETURNED)),
            overdue=Count("pk", filter=overdue_q()),
        )
        .order_by()
    }
    own = {c.code: c for c in self_assessed.clusters}
    clusters = [
        ClusterQueue(
            code=c.code,
            name=c.name,
            verified=c.points,
            self_assessed=own[c.code].points,
            max_points=c.max_points,
            waiting=counts.get(c.code, {}).get("waiting", 0),
            returned=counts.get(c.code, {}).get("returned", 0),
            overdue=counts.get(c.code, {}).get("overdue", 0),
            name_en=c.name_en,
        )
        for c in verified.clusters
    ]
    return RegionQueue(period.region, period, verified, self_assessed, clusters)


def index_queues(user) -> list[RegionQueue]:
    """The queues of the regions a user reviews (a few at most, so the index stays fast)."""
    if not roles.is_verifier(user):
        return []
    regions = list(roles.user_regions(user).order_by("name")[: MAX_REGIONS_ON_INDEX + 1])
    if len(regions) > MAX_REGIONS_ON_INDEX:  # a national superuser: use the filters instead
        return []
    periods = [current_period(region) for region in regions]
    return [region_queue(period) for period in periods if period is not None]

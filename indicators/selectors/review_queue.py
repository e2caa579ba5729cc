"""DP3AKB's review queue: acting on many submissions at once, and the verifier's overview."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusters import scoring
from clusters.models import Cluster, Named
from indicators import roles
from indicators.models import Period, Region, Submission
from indicators.selectors.periods import current_period
from indicators.selectors.score_cache import cached_period_score
from indicators.selectors.scores import SELF, VERIFIED
from indicators.services import workflow

APPROVE, RETURN, REOPEN = "approve", "return", "reopen"
ACTIONS = {
    APPROVE: workflow.submission_approve,
    RETURN: workflow.submission_return,
    REOPEN: workflow.submission_reopen,
}
# A submission waiting this long for DP3AKB is overdue: the ministry's stages leave little slack.
OVERDUE_AFTER = datetime.timedelta(days=5)
MAX_REGIONS_ON_INDEX = 5


@dataclass
class ReviewOutcome:
    """How many submissions a review action changed, and why the others were skipped."""

    action: str
    done: int = 0
    skipped: Counter = field(default_factory=Counter)

    def message(self) -> str:
        done = {
            APPROVE: ngettext("%(n)d isian disetujui.", "%(n)d isian disetujui.", self.done),
            RETURN: ngettext("%(n)d isian dikembalikan.", "%(n)d isian dikembalikan.", self.done),
            REOPEN: ngettext(
                "%(n)d isian dibuka kembali.", "%(n)d isian dibuka kembali.", self.done
            ),
        }[self.action] % {"n": self.done}
        if not self.skipped:
            return done
        reasons = "; ".join(f"{count} × {reason}" for reason, count in self.skipped.most_common())
        skipped = sum(self.skipped.values())
        return f"{done} " + _("%(n)d dilewati: %(reasons)s") % {"n": skipped, "reasons": reasons}


def review_many(
    *, action: str, versions: dict[int, int | None], actor, note: str = ""
) -> ReviewOutcome:
    """Apply one review action to each submission at the version the reviewer saw."""
    outcome = ReviewOutcome(action)
    service = ACTIONS[action]
    extra = {} if action == APPROVE else {"note": note}
    for pk, version in versions.items():
        if version is None:
            # Without the version the reviewer saw, the change could not be checked: never blind.
            outcome.skipped[_("versi yang dilihat tidak diketahui (muat ulang halaman)")] += 1
            continue
        try:
            service(submission_id=pk, actor=actor, version=version, **extra)
        except workflow.Conflict:
            outcome.skipped[_("diubah orang lain sejak halaman dimuat")] += 1
        except workflow.WorkflowError as exc:
            outcome.skipped[str(exc)] += 1
        else:
            outcome.done += 1
    return outcome


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
    # The cached scores carry the Indonesian names only (the kla_score contract).
    english = dict(
        Cluster.objects.filter(framework_id=period.framework_id).values_list("code", "name_en")
    )
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
            name_en=english.get(c.code, ""),
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

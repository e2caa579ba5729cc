"""DP3AKB's review queue: what waits, per region and cluster, and what is overdue."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusters import scoring
from clusters.models import Cluster, Indicator, Named
from indicators import roles
from indicators.answers import format_answer
from indicators.models import (
    Agency,
    Evidence,
    Period,
    Region,
    ReviewEvent,
    Submission,
    review_queue_rank,
)
from indicators.selectors import flags as flag_signs
from indicators.selectors import readiness as ready
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


# ---- the verifier's workbench: the queue of one region's period (admin/review/) -------------

QUEUE_PAGE_SIZE = 50
STATUS_CHOICES = ("submitted", "returned", "approved", "draft")
READINESS_CHOICES = ("ready", "not_ready", "gaps")
CODE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"
_PATTERNS = {
    "region": r"[-a-zA-Z0-9_]{1,60}",
    "year": r"[12][0-9]{3}",
    "cluster": CODE,
    "indicator": CODE,
    "agency": CODE,
    "status": "|".join((*STATUS_CHOICES, "all")),
    "readiness": "|".join(READINESS_CHOICES),
    "flag": "|".join(("any", *flag_signs.CODES)),
    "page": r"[1-9][0-9]{0,4}",
}
FILTER_NAMES = tuple(_PATTERNS)


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows, read from the address and carried through every action.

    A value that could never match (a word for a year, a code of a thousand characters) reads
    as no filter at all, never as an error page.
    """

    region: str = ""
    year: str = ""
    cluster: str = ""
    indicator: str = ""
    agency: str = ""
    status: str = "submitted"
    readiness: str = ""
    flag: str = ""
    page: str = ""

    @classmethod
    def from_query(cls, query) -> QueueFilters:
        values = {}
        for name, pattern in _PATTERNS.items():
            raw = query.get(name, "")
            if isinstance(raw, str) and raw and re.fullmatch(pattern, raw):
                values[name] = raw
        return cls(**values)

    def query(self, **changes) -> str:
        """The address's query for these filters with `changes` (page 1 unless given)."""
        values = {**asdict(self), "page": "", **changes}
        defaults = asdict(QueueFilters())
        return urlencode([(k, v) for k, v in values.items() if v and v != defaults[k]])

    @property
    def page_number(self) -> int:
        return int(self.page or 1)


@dataclass
class QueueRow:
    """One submission as the queue shows it."""

    submission: Submission
    answer: str
    readiness: object
    flags: list
    changes: list[str]
    first_review: bool
    waiting_days: int | None
    overdue: bool
    findings: int = 0
    # Shown as they are: the template only prints (a row of tags and filters cost 0.3 ms).
    url: str = ""
    item_name: str = ""
    agency_name: str = ""
    status_label: str = ""
    waiting: str = ""


@dataclass
class QueuePage:
    filters: QueueFilters
    period: Period
    rows: list[QueueRow]
    counts: dict[str, int]
    total: int
    clusters: list
    indicators: list
    agencies: list
    # The first moment a row's "waiting N days" or overdue mark changes by the clock alone
    # (None: no row waits): a rendering of the page holds until then, or until a write.
    marks_change_at: datetime.datetime | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // QUEUE_PAGE_SIZE))


def _truncated(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def open_findings_of(submissions) -> dict[int, int]:
    """Per submission id, the findings still active on it (`verification`'s one rule)."""
    from verification.selectors.findings import active_per_submission

    return active_per_submission(submissions)


def _filtered(period: Period, filters: QueueFilters):
    """The period's submissions under every filter but the status, in SQL where it can be and
    with the one readiness and sign rules where it cannot (one region's year: a few thousand
    rows, judged in a fixed number of queries)."""
    rows = Submission.objects.filter(period=period)
    if filters.cluster:
        rows = rows.filter(item__indicator__cluster__code=filters.cluster)
    if filters.indicator:
        rows = rows.filter(item__indicator__code=filters.indicator)
    if filters.agency:
        rows = rows.filter(agency__code=filters.agency)
    if filters.readiness == "gaps":
        rows = rows.filter(status=Submission.Status.APPROVED, approved_with_gaps=True)
    elif filters.readiness or filters.flag:
        candidates = list(rows.select_related("item").order_by())
        for s in candidates:
            s.period = period
        readiness = ready.readiness_of(candidates)
        keep = {s.pk for s in candidates}
        if filters.readiness:
            want = filters.readiness == "ready"
            keep = {pk for pk in keep if readiness[pk].ready == want}
        if filters.flag:
            found = flag_signs.flags_of([s for s in candidates if s.pk in keep], readiness)
            keep = {
                pk
                for pk, flags in found.items()
                if flags and (filters.flag == "any" or any(f.code == filters.flag for f in flags))
            }
        rows = rows.filter(pk__in=keep)
    return rows


def queue_order():
    """The queue's order: the admin's (`review_queue_rank`), so both lists agree."""
    return [review_queue_rank().asc(), "item_id", "agency_id", "pk"]


def review_queue_page(period: Period, filters: QueueFilters, now=None) -> QueuePage:
    """One page of the queue with its counts and filter choices, in a fixed number of queries
    whatever the number of rows."""
    now = now or timezone.now()
    base = _filtered(period, filters)
    counts = dict.fromkeys(STATUS_CHOICES, 0)
    for status, n in base.order_by().values_list("status").annotate(n=Count("pk")):
        counts[status] = n
    rows = base if filters.status == "all" else base.filter(status=filters.status)
    total = sum(counts.values()) if filters.status == "all" else counts[filters.status]
    start = (filters.page_number - 1) * QUEUE_PAGE_SIZE
    submissions = list(
        rows.select_related("agency", "item__indicator__cluster").order_by(*queue_order())[
            start : start + QUEUE_PAGE_SIZE
        ]
    )
    for s in submissions:
        s.period = period
    readiness = ready.readiness_of(submissions)
    flags = flag_signs.flags_of(submissions, readiness) if submissions else {}
    changes = changes_since_review(submissions)
    findings = open_findings_of(submissions)
    queue_rows = []
    statuses = dict(Submission.Status.choices)
    changes_at = []
    for s in submissions:
        waiting = None
        if s.status == Submission.Status.SUBMITTED and s.submitted_at:
            waiting = (now - s.submitted_at).days
            changes_at.append(s.submitted_at + datetime.timedelta(days=waiting + 1))
            if now - s.submitted_at <= OVERDUE_AFTER:
                changes_at.append(s.submitted_at + OVERDUE_AFTER + datetime.timedelta(seconds=1))
        changed, first = changes.get(s.pk, ([], True))
        queue_rows.append(
            QueueRow(
                submission=s,
                answer=format_answer(s),
                readiness=readiness.get(s.pk),
                flags=flags.get(s.pk, []),
                changes=changed,
                first_review=first,
                waiting_days=waiting,
                overdue=waiting is not None and now - s.submitted_at > OVERDUE_AFTER,
                findings=findings.get(s.pk, 0),
                item_name=_truncated(s.item.label, 90),
                agency_name=_truncated(s.agency.short_name or s.agency.name, 30),
                status_label=str(statuses[s.status]),
                waiting=""
                if waiting is None
                else ngettext("menunggu %(n)d hari", "menunggu %(n)d hari", waiting)
                % {"n": waiting},
            )
        )
    clusters = list(Cluster.objects.filter(framework_id=period.framework_id).order_by("order"))
    indicators = Indicator.objects.filter(cluster__framework_id=period.framework_id)
    if filters.cluster:
        indicators = indicators.filter(cluster__code=filters.cluster)
    agencies = Agency.objects.filter(region_id=period.region_id).order_by("code")
    return QueuePage(
        filters=filters,
        period=period,
        rows=queue_rows,
        counts=counts,
        total=total,
        clusters=clusters,
        indicators=list(indicators.order_by("cluster__order", "number")),
        agencies=list(agencies.only("pk", "code", "name", "short_name")),
        marks_change_at=min(changes_at, default=None),
    )


def next_waiting(period: Period, filters: QueueFilters, after: Submission) -> int | None:
    """The id of the next submission waiting for review under the same filters, after `after`
    in the queue's order (from the top again at the end), or None when none waits."""
    waiting = _filtered(period, filters).filter(status=Submission.Status.SUBMITTED)
    waiting = waiting.exclude(pk=after.pk).order_by("item_id", "agency_id", "pk")
    later = Q(item_id__gt=after.item_id) | Q(item_id=after.item_id, agency_id__gt=after.agency_id)
    later |= Q(item_id=after.item_id, agency_id=after.agency_id, pk__gt=after.pk)
    found = waiting.filter(later).values_list("pk", flat=True).first()
    return found or waiting.values_list("pk", flat=True).first()


ANSWER_FIELDS = ("answer_yes", "numerator", "denominator", "count")


def changes_since_review(submissions) -> dict[int, tuple[list[str], bool]]:
    """Per submission id, what changed since its last review (approve, return, reopen) and
    whether it was never reviewed, in three queries: the answer as it stood then, whether
    the narrative changed, and the files added since."""
    ids = [s.pk for s in submissions]
    if not ids:
        return {}
    reviewed = {}
    for pk, at in (
        ReviewEvent.objects.filter(
            submission_id__in=ids,
            action__in=[
                ReviewEvent.Action.APPROVED,
                ReviewEvent.Action.RETURNED,
                ReviewEvent.Action.REOPENED,
            ],
        )
        .order_by("created_at", "pk")
        .values_list("submission_id", "created_at")
    ):
        reviewed[pk] = at  # the latest wins
    before = {}
    if reviewed:
        for pk, at, *values in (
            Submission.history.filter(
                id__in=list(reviewed), history_date__lte=max(reviewed.values())
            )
            .order_by("history_date", "history_id")
            .values_list("id", "history_date", *ANSWER_FIELDS, "narrative")
        ):
            if at <= reviewed[pk]:
                before[pk] = values  # the record in force at the review
    added = (
        Counter(
            pk
            for pk, at in Evidence.objects.filter(submission_id__in=list(reviewed))
            .order_by()
            .values_list("submission_id", "uploaded_at")
            if at > reviewed[pk]
        )
        if reviewed
        else Counter()
    )
    found = {}
    for s in submissions:
        if s.pk not in reviewed:
            found[s.pk] = ([], True)
            continue
        changes = []
        old = before.get(s.pk)
        if old is not None:
            *answer, narrative = old
            if tuple(answer) != tuple(getattr(s, f) for f in ANSWER_FIELDS):
                then = Submission(item=s.item, **dict(zip(ANSWER_FIELDS, answer, strict=True)))
                changes.append(
                    _("nilai: %(before)s → %(now)s")
                    % {"before": format_answer(then), "now": format_answer(s)}
                )
            if narrative != s.narrative:
                changes.append(_("keterangan diubah"))
        if added.get(s.pk):
            changes.append(
                ngettext("%(n)d berkas baru", "%(n)d berkas baru", added[s.pk]) % {"n": added[s.pk]}
            )
        found[s.pk] = (changes, False)
    return found

"""Reads of the OPD workspace: an agency's items for a period, notices, and one item's page.

Each selector issues a fixed number of queries however many items, submissions, files or
events there are, so the operator's pages cost the same for a small kota and a big province.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from clusters.models import Item
from indicators.answers import format_number, format_percent
from indicators.models import Agency, Period, ReviewEvent, Submission

S = Submission.Status
NOTICE_ACTIONS = (
    ReviewEvent.Action.RETURNED,
    ReviewEvent.Action.APPROVED,
    ReviewEvent.Action.REOPENED,
    ReviewEvent.Action.IMPORTED,
)


@dataclass
class Row:
    """One item on the operator's home: its answer, status and what is still missing."""

    item: Item
    submission: Submission | None
    evidence_count: int = 0
    return_note: str = ""
    points: tuple | None = None  # (verified, self, max), set by dashboard.agency_part

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else S.DRAFT

    @property
    def status_label(self) -> str:
        if self.submission is None:
            return str(_("Belum diisi"))
        return self.submission.get_status_display()

    @property
    def missing(self) -> list[str]:
        if self.status in (S.SUBMITTED, S.APPROVED):
            return []
        gaps = []
        if self.submission is None or not self.submission.has_value:
            gaps.append(str(_("nilai")))
        if self.item.evidence_required and not self.evidence_count:
            gaps.append(str(_("data dukung")))
        return gaps

    @property
    def to_fill(self) -> bool:
        return self.status == S.DRAFT


@dataclass
class Group:
    code: str
    name: str
    rows: list = field(default_factory=list)


@dataclass
class Workspace:
    """An agency's items of a period, grouped by cluster and indicator, with counters."""

    agency: Agency
    period: Period
    clusters: list[Group]
    counts: dict[str, int]
    codes: list[str] = field(default_factory=list)  # every assigned item, whatever the filter


def agency_items(agency: Agency, period: Period) -> QuerySet[Item]:
    """Items of the period's edition assigned to the agency, in the instrument's order."""
    return (
        Item.objects.filter(
            assignments__agency=agency, indicator__cluster__framework_id=period.framework_id
        )
        .select_related("indicator__cluster")
        .order_by("indicator__cluster__order", "indicator__number", "order", "code")
    )


# The home page's counters are links that show only their rows (`?status=`).
STATUS_FILTERS = ("to_fill", S.SUBMITTED, S.RETURNED, S.APPROVED)


def workspace_for(agency: Agency, period: Period, only: str | None = None) -> Workspace:
    """The home page's table for one agency and period, in two queries.

    `only` (one of STATUS_FILTERS) keeps the rows of that counter; the counters count all.
    """
    last_note = (
        ReviewEvent.objects.filter(
            submission=OuterRef("pk"),
            action__in=(ReviewEvent.Action.RETURNED, ReviewEvent.Action.REOPENED),
        )
        .order_by("-created_at", "-id")
        .values("note")[:1]
    )
    submissions = {
        s.item_id: s
        for s in Submission.objects.filter(agency=agency, period=period).annotate(
            evidence_total=Count("evidence"), last_note=Subquery(last_note)
        )
    }
    clusters: list[Group] = []
    counts = {"to_fill": 0, S.SUBMITTED: 0, S.RETURNED: 0, S.APPROVED: 0}
    codes = []
    for item in agency_items(agency, period):
        codes.append(item.code)
        submission = submissions.get(item.pk)
        if submission is not None:
            submission.item = item  # already loaded: has_value needs the kind
        returned = submission is not None and submission.status == S.RETURNED
        row = Row(
            item,
            submission,
            evidence_count=getattr(submission, "evidence_total", 0),
            return_note=(submission.last_note or "") if returned else "",
        )
        counter = "to_fill" if row.to_fill else row.status
        counts[counter] += 1
        if only in STATUS_FILTERS and counter != only:
            continue
        cluster, indicator = item.indicator.cluster, item.indicator
        if not clusters or clusters[-1].code != cluster.code:
            clusters.append(Group(cluster.code, cluster.label))
        indicators = clusters[-1].rows
        if not indicators or indicators[-1].code != indicator.code:
            indicators.append(Group(indicator.code, indicator.label))
        indicators[-1].rows.append(row)
    return Workspace(agency, period, clusters, counts, codes)


def notices_for(agencies, period: Period, limit: int = 8) -> list[ReviewEvent]:
    """The latest decision or import on each of the agencies' submissions, newest first.

    The state now, not a log: one notice per submission, and one the agency has since acted on
    (returned, then resubmitted) is marked `settled` so it no longer reads as a call to act.
    """
    latest = (
        ReviewEvent.objects.filter(submission=OuterRef("submission"), action__in=NOTICE_ACTIONS)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    events = list(
        ReviewEvent.objects.filter(
            submission__agency__in=agencies, submission__period=period, action__in=NOTICE_ACTIONS
        )
        .filter(pk=Subquery(latest))
        .select_related("submission__item", "submission__agency", "submission__period")
        .order_by("-created_at", "-id")[:limit]
    )
    for event in events:
        event.settled = event.submission.status != event.to_status
    return events


def submission_for(*, agency: Agency, item: Item, period: Period) -> Submission:
    """The agency's submission for an item, or an unsaved draft when there is none yet."""
    return Submission.objects.filter(agency=agency, item=item, period=period).first() or (
        Submission(agency=agency, item=item, period=period)
    )


@dataclass
class ItemPage:
    submission: Submission
    evidence: list
    events: list
    previous: Submission | None
    # For an item the register of facilities feeds: its value on the reference date (the
    # agency's part), the list behind it, and how the answer stands against it.
    register: object = None
    register_sentence: str = ""
    register_state: str | None = None

    @property
    def register_listed(self) -> bool:
        """The answer was taken from the register, with places behind it, and still holds."""
        return self.register_state == "current" and bool(self.register.listed)


def item_page(agency: Agency, period: Period, item: Item, submission: Submission) -> ItemPage:
    """What the item page shows beside the form, in three queries (and the register's: three
    to find that no rule feeds the item, a fixed few more when one does)."""
    # Already loaded by the caller: answer_display and has_value would fetch them again.
    submission.item, submission.agency, submission.period = item, agency, period
    evidence, events = [], []
    if submission.pk:
        evidence = list(submission.evidence.order_by("uploaded_at", "pk"))
        events = list(submission.events.select_related("actor").order_by("-created_at", "-id"))
    previous = (
        Submission.objects.filter(
            agency=agency,
            item__code=item.code,
            period__region_id=period.region_id,
            period__year__lt=period.year,
        )
        .select_related("item", "period")
        .order_by("-period__year")
        .first()
    )
    page = ItemPage(submission, evidence, events, previous)
    from facilities import selectors as facility_register

    page.register = facility_register.submission_register(submission)
    if page.register is not None:
        page.register_sentence = facility_register.sentence(page.register)
        page.register_state = facility_register.take_state(submission, page.register)
    return page


def next_to_fill(agency: Agency, period: Period, item: Item) -> Item | None:
    """The agency's next item after this one (in the instrument's order, then from the top)
    that still waits for its answer: not started, a draft or returned. One query."""
    waiting = Submission.objects.filter(
        agency=agency, period=period, item=OuterRef("pk"), status__in=(S.SUBMITTED, S.APPROVED)
    )
    items = list(
        agency_items(agency, period)
        .exclude(pk=item.pk)
        .exclude(Exists(waiting))
        .only("code", "name", "name_en", "order", "indicator__number", "indicator__cluster__order")
    )
    key = (item.indicator.cluster.order, item.indicator.number, item.order, item.code)
    later = [
        i for i in items if (i.indicator.cluster.order, i.indicator.number, i.order, i.code) > key
    ]
    return (later or items or [None])[0]


def scoring_direction(item: Item) -> str:
    """How the value scores, said where lower is better (stunting): otherwise empty."""
    if item.rule != Item.Rule.LINEAR or item.worst is None or item.best is None:
        return ""
    if item.best >= item.worst:
        return ""
    return _(
        "Makin rendah makin baik: %(best)s atau kurang mendapat nilai penuh, %(worst)s atau "
        "lebih bernilai nol, dan di antaranya dinilai sebanding."
    ) % {"best": _limit(item, item.best), "worst": _limit(item, item.worst)}


def _limit(item: Item, value) -> str:
    if item.kind == Item.Kind.PERCENT:
        return format_percent(value)
    return format_number(value)

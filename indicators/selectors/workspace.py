"""Reads of the OPD workspace: an agency's items for a period, notices, and one item's page.

Each selector issues a fixed number of queries however many items, submissions, files or
events there are, so the operator's pages cost the same for a small kota and a big province.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from clusters.models import Item
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


def agency_items(agency: Agency, period: Period) -> QuerySet[Item]:
    """Items of the period's edition assigned to the agency, in the instrument's order."""
    return (
        Item.objects.filter(
            assignments__agency=agency, indicator__cluster__framework_id=period.framework_id
        )
        .select_related("indicator__cluster")
        .order_by("indicator__cluster__order", "indicator__number", "order", "code")
    )


def workspace_for(agency: Agency, period: Period) -> Workspace:
    """The home page's table for one agency and period, in two queries."""
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
    for item in agency_items(agency, period):
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
        counts["to_fill" if row.to_fill else row.status] += 1
        cluster, indicator = item.indicator.cluster, item.indicator
        if not clusters or clusters[-1].code != cluster.code:
            clusters.append(Group(cluster.code, cluster.label))
        indicators = clusters[-1].rows
        if not indicators or indicators[-1].code != indicator.code:
            indicators.append(Group(indicator.code, indicator.label))
        indicators[-1].rows.append(row)
    return Workspace(agency, period, clusters, counts)


def notices_for(agencies, period: Period, limit: int = 8) -> list[ReviewEvent]:
    """The latest review decisions and imports on the agencies' submissions, newest first."""
    return list(
        ReviewEvent.objects.filter(
            submission__agency__in=agencies, submission__period=period, action__in=NOTICE_ACTIONS
        )
        .select_related("submission__item", "submission__agency", "submission__period")
        .order_by("-created_at", "-id")[:limit]
    )


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

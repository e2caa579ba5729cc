"""Reads of findings: the filtered list, the agencies' open ones for their home, the counts,
and the files that answer them (the pack's `findings` scope). Fixed numbers of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from indicators.models import Agency, Evidence
from verification.models import Finding, FindingResponse

F = Finding.Status
OVERDUE = "overdue"
STATUS_FILTERS = (F.OPEN.value, F.ANSWERED.value, OVERDUE, F.CLOSED.value)
HOME_LIMIT = 10  # the home lists the first ones; the findings page has them all


def with_joins(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """Findings with everything a list row shows already joined (two more queries in all)."""
    return findings.select_related("period__region", "item", "indicator").prefetch_related(
        Prefetch("agencies", queryset=Agency.objects.order_by("code"))
    )


def filtered(findings: QuerySet[Finding], *, status="", stage="", agency="", year="", now=None):
    """Narrowed by status (open, answered, overdue, closed), stage, agency code and year."""
    now = now or timezone.now()
    if status == OVERDUE:
        findings = findings.filter(status=F.OPEN, due_at__lt=now)
    elif status in STATUS_FILTERS:
        findings = findings.filter(status=status)
    if stage:
        findings = findings.filter(stage=stage)
    if agency:
        findings = findings.filter(agencies__code__iexact=agency)
    if year:
        findings = findings.filter(period__year=int(year))
    return findings


@dataclass
class Counts:
    open: int = 0
    answered: int = 0
    overdue: int = 0
    closed: int = 0


def counts(findings: QuerySet[Finding], now=None) -> Counts:
    """How many of each, in one query."""
    now = now or timezone.now()
    row = findings.aggregate(
        open=Count("pk", filter=Q(status=F.OPEN)),
        answered=Count("pk", filter=Q(status=F.ANSWERED)),
        overdue=Count("pk", filter=Q(status=F.OPEN, due_at__lt=now)),
        closed=Count("pk", filter=Q(status=F.CLOSED)),
    )
    return Counts(**row)


def ordered(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """Open first (the earliest due first), then answered, then closed."""
    rank = Case(
        When(status=F.OPEN, then=Value(0)),
        When(status=F.ANSWERED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return findings.annotate(rank=rank).order_by("rank", "due_at", "pk")


def open_for_agencies(agencies: list[Agency], limit: int = HOME_LIMIT) -> list[Finding]:
    """The findings still waiting on these agencies, due first, for their home (three queries)."""
    if not agencies:
        return []
    ids = Finding.objects.filter(
        agencies__in=[a.pk for a in agencies], status__in=Finding.ACTIVE
    ).values("pk")
    return list(ordered(with_joins(Finding.objects.filter(pk__in=ids)))[:limit])


def responses_of(finding: Finding) -> list[FindingResponse]:
    return list(finding.responses.select_related("agency", "actor", "evidence__submission__item"))


def answering_evidence(period) -> QuerySet[Evidence]:
    """The files that answer the period's open or answered findings."""
    return Evidence.objects.filter(
        finding_responses__finding__period=period,
        finding_responses__finding__status__in=Finding.ACTIVE,
    ).distinct()


def active_per_submission(submissions) -> dict[int, int]:
    """Per submission id, the findings still active (open or answered) on its item or on the
    item's indicator, in its period, naming its agency: the review queue's and review page's
    "temuan terbuka". One query whatever the number of submissions."""
    submissions = list(submissions)
    if not submissions:
        return {}
    rows = (
        Finding.objects.filter(
            period_id__in={s.period_id for s in submissions},
            status__in=Finding.ACTIVE,
            agencies__in={s.agency_id for s in submissions},
        )
        .filter(
            Q(item_id__in={s.item_id for s in submissions})
            | Q(indicator_id__in={s.item.indicator_id for s in submissions})
        )
        .order_by()
        .values_list("pk", "period_id", "item_id", "indicator_id", "agencies")
    )
    found: dict[tuple, set[int]] = {}
    for pk, period_id, item_id, indicator_id, agency_id in rows:
        found.setdefault((period_id, agency_id, "item", item_id), set()).add(pk)
        found.setdefault((period_id, agency_id, "indicator", indicator_id), set()).add(pk)
    counts = {}
    for s in submissions:
        ids = found.get((s.period_id, s.agency_id, "item", s.item_id), set()) | found.get(
            (s.period_id, s.agency_id, "indicator", s.item.indicator_id), set()
        )
        if ids:
            counts[s.pk] = len(ids)
    return counts


def waiting_on(finding: Finding) -> set[int]:
    """The ids of the named agencies that have not answered since the finding last opened:
    it is answered (waiting on DP3AKB) only when none is left."""
    opened = finding.events.filter(to_status=F.OPEN).order_by("-created_at", "-pk").first()
    answers = finding.responses.all()
    if opened is not None:
        answers = answers.filter(created_at__gte=opened.created_at)
    named = set(finding.agencies.values_list("pk", flat=True))
    return named - set(answers.values_list("agency_id", flat=True))

"""Reads behind the Gugus Tugas dashboard, in a number of queries that does not grow with data.

Scores come from `selectors.period_score`, the code behind `kla_score`, so the page and the
command always agree; they and the gap plan are read through `score_cache`, keyed by the data
version (`kla_portal.versions`) that every write moves. Status mixes are counted in SQL
(`values().annotate()`); only the per-item detail rows are listed, once, for the whole period.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from clusters import gap_planner, scoring
from clusters.models import Named
from clusters.selectors import FRAMEWORK_MODELS, framework_items, framework_spec
from indicators.answers import format_number
from indicators.models import Agency, Evidence, OfficialResult, Period, Submission
from indicators.selectors.assignments import MISSING, assignment_states
from indicators.selectors.readiness_views import Steps, ready_steps
from indicators.selectors.score_cache import (
    cached_period_scores,
    inputs_cached,
    period_cached,
)
from indicators.selectors.scores import READY, SELF, VERIFIED, answers_by_period, counted_answers
from kla_portal import versions

S = Submission.Status
STATUSES = (S.APPROVED, S.SUBMITTED, S.RETURNED, S.DRAFT)


# ---- rows of the page ------------------------------------------------------------------------


@dataclass
class Headline:
    basis: str
    total: Decimal
    category: str | None
    next_category: str | None
    points_to_next: Decimal | None
    max_total: Decimal
    next_blocked: bool = False  # the next band's total is reached, one of its conditions not
    conditions: list[scoring.ConditionResult] = field(default_factory=list)


@dataclass
class ClusterRow(Named):
    code: str
    name: str
    verified: Decimal
    self_points: Decimal
    max_points: Decimal
    name_en: str = ""

    def width(self, points: Decimal) -> str:
        """A bar's length in the SVG's 0-100 view box."""
        share = points / self.max_points * 100 if self.max_points else 0
        return f"{min(max(share, 0), 100):.1f}"

    @property
    def verified_width(self) -> str:
        return self.width(self.verified)

    @property
    def self_width(self) -> str:
        return self.width(self.self_points)


@dataclass
class Entry:
    """One assigned agency's part in an item: its status, or missing."""

    agency: str
    agency_code: str
    status: str

    @property
    def status_label(self) -> str:
        return str(S(self.status).label) if self.status != MISSING else _("Belum diisi")


@dataclass
class ItemRow(Named):
    code: str
    name: str
    verified_value: Decimal | None
    verified_fraction: Decimal
    self_value: Decimal | None
    self_fraction: Decimal
    entries: list[Entry]
    name_en: str = ""
    # The item's share of its indicator's points: what it earns now and could earn.
    max_points: Decimal = Decimal(0)
    verified_points: Decimal = Decimal(0)
    self_points: Decimal = Decimal(0)


@dataclass
class IndicatorRow(Named):
    code: str
    name: str
    verified: Decimal
    self_points: Decimal
    max_points: Decimal
    status_counts: dict[str, int]
    items: list[ItemRow] = field(default_factory=list)
    name_en: str = ""

    @property
    def status_mix(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for each status that occurs, approved first."""
        labels = {s.value: str(s.label) for s in STATUSES} | {MISSING: _("Belum diisi")}
        order = [s.value for s in STATUSES] + [MISSING]
        return [(s, labels[s], self.status_counts[s]) for s in order if self.status_counts.get(s)]


@dataclass
class PlanRow(Named):
    rank: int
    code: str
    name: str
    indicator: str
    gain: Decimal
    fraction: Decimal
    entries: list[Entry]
    in_steps: bool
    name_en: str = ""


@dataclass
class AgencyRow:
    code: str
    name: str
    assigned: int
    approved: int
    submitted: int
    returned: int
    draft: int
    evidence_missing: int
    days_left: int

    @property
    def not_started(self) -> int:
        return max(self.assigned - self.approved - self.submitted - self.returned - self.draft, 0)

    @property
    def behind(self) -> int:
        return max(self.assigned - self.approved, 0)


@dataclass
class HistoryRow:
    year: int
    forecast: Decimal
    forecast_category: str | None
    self_assessment: Decimal | None
    administrative_verification: Decimal | None
    final_score: Decimal | None
    category: str

    @property
    def difference(self) -> Decimal | None:
        return None if self.final_score is None else self.final_score - self.forecast


@dataclass
class Dashboard:
    period: Period
    verified: Headline
    self_assessed: Headline
    clusters: list[ClusterRow]
    indicators: list[IndicatorRow]
    plan: gap_planner.Plan
    plan_rows: list[PlanRow]
    agencies: list[AgencyRow]
    history: list[HistoryRow]
    ready: Headline | None = None
    readiness_steps: Steps | None = None  # self -> verified -> ready, and why items lose

    @property
    def at_risk(self) -> Decimal:
        """Points claimed by the agencies that DP3AKB has not approved yet."""
        return self.self_assessed.total - self.verified.total

    @property
    def steps(self) -> list[PlanRow]:
        return [row for row in self.plan_rows if row.in_steps]

    @property
    def plan_conditions(self) -> list[scoring.ConditionResult]:
        """The conditions of the band the plan aims at (what it needs beyond points)."""
        return [c for c in self.verified.conditions if c.band == self.plan.target]


# ---- building the page -----------------------------------------------------------------------


def dashboard_data(period: Period) -> Dashboard:
    """Everything the dashboard shows for one period, in a constant number of queries."""
    # The scores come from the cache in one round trip, until the next write to the data.
    verified, self_score, ready_score = cached_period_scores(period, VERIFIED, SELF, READY)
    plan = _gap_plan(period, verified)
    items = list(framework_items(period.framework))
    entries = _entries(period)
    indicators = _indicator_rows(period, verified, self_score, items, entries)
    by_code = {item.code: item for item in items}
    indicator_of = {item.code: item.indicator.code for item in items}
    steps = {gain.item for gain in plan.steps}
    plan_rows = [
        PlanRow(
            rank=n,
            code=gain.item,
            name=by_code[gain.item].name,
            name_en=by_code[gain.item].name_en,
            indicator=indicator_of[gain.item],
            gain=gain.points,
            fraction=_dec(gain.fraction),
            entries=entries.get(gain.item, []),
            in_steps=gain.item in steps,
        )
        for n, gain in enumerate(plan.ranking, start=1)
    ]
    return Dashboard(
        period=period,
        verified=_headline(VERIFIED, verified),
        self_assessed=_headline(SELF, self_score),
        clusters=[
            ClusterRow(v.code, v.name, v.points, s.points, v.max_points, v.name_en)
            for v, s in zip(verified.clusters, self_score.clusters, strict=True)
        ],
        indicators=indicators,
        plan=plan,
        plan_rows=plan_rows,
        agencies=agency_rows(period),
        history=history_rows(period),
        ready=_headline(READY, ready_score),
        readiness_steps=ready_steps(period, self_score, verified, ready_score, items),
    )


def _gap_plan(period: Period, verified: scoring.Score) -> gap_planner.Plan:
    """The plan (57 scorings of the instrument, ~45 ms) is keyed by what it is computed from,
    the edition (by its tables' version) and each item's verified fraction, not by the data
    version: draft saves, uploads and writes elsewhere do not recompute it."""
    edition = versions.current(*FRAMEWORK_MODELS)
    fractions = tuple((item.code, item.fraction) for item in verified.items)
    inputs = hashlib.sha256(repr((period.framework_id, edition, fractions)).encode()).hexdigest()
    return inputs_cached(
        f"gap-plan:{inputs[:32]}",
        lambda: gap_planner.plan(
            framework_spec(period.framework), counted_answers(period, VERIFIED)
        ),
    )


def _headline(basis: str, score: scoring.Score) -> Headline:
    category = score.category
    return Headline(
        basis,
        score.total,
        category.name,
        category.next_name,
        category.points_to_next,
        score.max_total,
        category.next_blocked,
        score.conditions,
    )


def _dec(value: Fraction | None) -> Decimal | None:
    return None if value is None else scoring.round_half_up(value)


def _entries(period: Period) -> dict[str, list[Entry]]:
    """Per item code, each assigned agency with its submission's status (or missing)."""
    entries = defaultdict(list)
    for owed in assignment_states(period):
        entries[owed.item_code].append(Entry(owed.agency_label, owed.agency_code, owed.status))
    return entries


def _indicator_rows(period, verified, self_score, items, entries) -> list[IndicatorRow]:
    # Grouped by item id, then mapped to indicators here: the items are already loaded.
    indicator_of = {item.pk: item.indicator.code for item in items}
    counts = defaultdict(Counter)
    for item_id, status, n in (
        Submission.objects.filter(period=period)
        .values("item_id", "status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("item_id", "status", "n")
    ):
        counts[indicator_of[item_id]][status] += n
    for item in items:
        missing = sum(1 for e in entries.get(item.code, []) if e.status == MISSING)
        counts[item.indicator.code][MISSING] += missing

    verified_items = {i.code: i for i in verified.items}
    self_items = {i.code: i for i in self_score.items}
    weights = defaultdict(Fraction)
    for item in items:
        weights[item.indicator.code] += Fraction(item.weight)
    maxima = {v.code: v.max_points for v in verified.indicators}
    rows = {
        v.code: IndicatorRow(
            v.code,
            v.name,
            v.points,
            s.points,
            v.max_points,
            dict(counts[v.code]),
            name_en=v.name_en,
        )
        for v, s in zip(verified.indicators, self_score.indicators, strict=True)
    }
    for item in items:
        v, s = verified_items[item.code], self_items[item.code]
        total_weight = weights[item.indicator.code]
        share = Fraction(maxima[item.indicator.code]) * Fraction(item.weight) / total_weight
        rows[item.indicator.code].items.append(
            ItemRow(
                item.code,
                item.name,
                _dec(v.value),
                _dec(v.fraction),
                _dec(s.value),
                _dec(s.fraction),
                entries.get(item.code, []),
                item.name_en,
                max_points=scoring.round_half_up(share),
                verified_points=scoring.round_half_up(share * v.fraction),
                self_points=scoring.round_half_up(share * s.fraction),
            )
        )
    return list(rows.values())


def agency_rows(period: Period) -> list[AgencyRow]:
    """Per agency of the region: its workload and progress, the most behind first."""
    agencies = (
        Agency.objects.filter(region=period.region)
        .annotate(
            assigned=Count(
                "assignments",
                filter=Q(assignments__item__indicator__cluster__framework=period.framework),
            )
        )
        .filter(assigned__gt=0)
        .values("pk", "code", "short_name", "assigned")
    )
    by_status = defaultdict(Counter)
    for row in (
        Submission.objects.filter(period=period)
        .values("agency_id", "status")
        .annotate(n=Count("id"))
    ):
        by_status[row["agency_id"]][row["status"]] = row["n"]
    no_evidence = dict(
        Submission.objects.filter(period=period, item__evidence_required=True)
        .exclude(status=S.DRAFT)
        .filter(~Exists(Evidence.objects.filter(submission=OuterRef("pk"))))
        .values("agency_id")
        .annotate(n=Count("id"))
        .values_list("agency_id", "n")
    )
    days_left = period.days_left()
    rows = [
        AgencyRow(
            code=a["code"],
            name=a["short_name"] or a["code"],
            assigned=a["assigned"],
            approved=by_status[a["pk"]][S.APPROVED],
            submitted=by_status[a["pk"]][S.SUBMITTED],
            returned=by_status[a["pk"]][S.RETURNED],
            draft=by_status[a["pk"]][S.DRAFT],
            evidence_missing=no_evidence.get(a["pk"], 0),
            days_left=days_left,
        )
        for a in agencies
    ]
    return sorted(
        rows,
        key=lambda r: (-Fraction(r.behind, r.assigned), -r.returned, -r.evidence_missing, r.code),
    )


def history_rows(period: Period) -> list[HistoryRow]:
    """Each earlier period: the portal's verified forecast beside the ministry's result."""
    earlier = list(
        Period.objects.filter(region=period.region, year__lt=period.year)
        .select_related("framework", "official")
        .order_by("-year")
    )
    answers = answers_by_period(earlier, VERIFIED)
    specs = {}
    rows = []
    for past in earlier:
        if past.framework_id not in specs:
            specs[past.framework_id] = framework_spec(past.framework)
        forecast = scoring.score(specs[past.framework_id], answers[past.pk])
        official = getattr(past, "official", None)
        rows.append(
            HistoryRow(
                year=past.year,
                forecast=forecast.total,
                forecast_category=forecast.category.name,
                self_assessment=official.self_assessment if official else None,
                administrative_verification=(
                    official.administrative_verification if official else None
                ),
                final_score=official.final_score if official else None,
                category=official.category if official else "",
            )
        )
    return rows


# ---- what the page says first ----------------------------------------------------------------


def summary_sentence(data: Dashboard) -> str:
    """The dashboard's answer in one sentence: the projected category on the ready basis (or
    verified, before readiness is judged), the points to the next one, the points at risk."""
    basis = data.ready or data.verified
    basis_name = _("dokumen siap verifikasi") if data.ready else _("isian terverifikasi")
    values = {
        "category": basis.category,
        "total": format_number(basis.total, 2),
        "basis": basis_name,
    }
    if basis.category:
        first = _("Perkiraan kategori %(category)s dengan %(total)s poin (dihitung dari %(basis)s)")
    else:
        first = _("Perkiraan belum mencapai kategori: %(total)s poin (dihitung dari %(basis)s)")
    parts = [first % values]
    if basis.next_category:
        parts.append(
            _("kurang %(points)s poin menuju %(next)s")
            % {"points": format_number(basis.points_to_next, 2), "next": basis.next_category}
        )
    parts.append(
        _("%(points)s poin berisiko karena belum disetujui")
        % {"points": format_number(data.at_risk, 2)}
    )
    return "; ".join(str(p) for p in parts) + "."


def official_result(data: Dashboard):
    """The recorded official result of a locked year, which then headlines the page, or None
    (one query, for a locked period only)."""
    if not data.period.locked:
        return None
    return OfficialResult.objects.filter(period=data.period, final_score__isnull=False).first()


def indicators_of_agency(indicators: list[IndicatorRow], code: str) -> list[IndicatorRow]:
    """Only the indicators and items assigned to one agency (the agency table's links)."""
    rows = []
    for indicator in indicators:
        items = [i for i in indicator.items if any(e.agency_code == code for e in i.entries)]
        if items:
            rows.append(
                IndicatorRow(
                    indicator.code,
                    indicator.name,
                    indicator.verified,
                    indicator.self_points,
                    indicator.max_points,
                    indicator.status_counts,
                    items,
                    indicator.name_en,
                )
            )
    return rows


# ---- an agency's part, for its operators -----------------------------------------------------


@dataclass
class AgencyPart:
    """How an agency's items stand in the region's score: its points and the region's total,
    nothing of other agencies (operators see it on their home)."""

    verified: Decimal
    self_points: Decimal
    max_points: Decimal
    region_verified: Headline
    item_points: dict[str, tuple[Decimal, Decimal, Decimal]]  # code -> verified, self, max


def item_shares(period: Period) -> dict[str, Fraction]:
    """Each item's share of its indicator's points (cached with the period's scores)."""

    def compute():
        spec = framework_spec(period.framework)
        maxima = {i.code: Fraction(i.max_points) for i in spec.indicators}
        weights = defaultdict(Fraction)
        for item in spec.items:
            weights[item.indicator] += Fraction(item.weight)
        return {
            item.code: maxima[item.indicator] * Fraction(item.weight) / weights[item.indicator]
            for item in spec.items
        }

    return period_cached(period, "item-shares", compute)


def agency_part(workspace) -> AgencyPart:
    """The points of the agency's items on both bases, and the region's headline; each shown
    row of the workspace gets its `points` (verified, self, max)."""
    period, codes = workspace.period, workspace.codes
    verified, self_score = cached_period_scores(period, VERIFIED, SELF)
    shares = item_shares(period)
    v_items = {i.code: i for i in verified.items}
    s_items = {i.code: i for i in self_score.items}
    points = {}
    for code in codes:
        share = shares.get(code, Fraction(0))
        points[code] = (
            scoring.round_half_up(share * v_items[code].fraction),
            scoring.round_half_up(share * s_items[code].fraction),
            scoring.round_half_up(share),
        )
    for cluster in workspace.clusters:
        for indicator in cluster.rows:
            for row in indicator.rows:
                row.points = points.get(row.item.code)
    return AgencyPart(
        verified=sum((p[0] for p in points.values()), Decimal(0)),
        self_points=sum((p[1] for p in points.values()), Decimal(0)),
        max_points=sum((p[2] for p in points.values()), Decimal(0)),
        region_verified=_headline(VERIFIED, verified),
        item_points=points,
    )

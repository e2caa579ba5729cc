"""Reads of the stages: a period's timeline beside the frozen forecast, and the history of how
far the ready forecast was from the ministry's final score. A fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from indicators.models import OfficialResult, Period
from verification.models import (
    STAGE_ORDER,
    STAGE_SCORE_FIELD,
    Finding,
    ForecastSnapshot,
    Stage,
    StageKind,
)


def _minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


@dataclass
class StageRow:
    kind: str
    label: str
    stage: Stage | None
    score: Decimal | None
    snapshot: ForecastSnapshot | None
    findings: dict[str, int] = field(default_factory=dict)  # status -> how many

    @property
    def findings_total(self) -> int:
        return sum(self.findings.values())

    @property
    def done(self) -> bool:
        return self.stage is not None

    def _diff(self, name: str) -> Decimal | None:
        return _minus(self.score, getattr(self.snapshot, name, None))

    @property
    def vs_self(self) -> Decimal | None:
        return self._diff("self_total")

    @property
    def vs_verified(self) -> Decimal | None:
        return self._diff("verified_total")

    @property
    def vs_ready(self) -> Decimal | None:
        return self._diff("ready_total")


@dataclass
class Timeline:
    rows: list[StageRow]
    snapshot: ForecastSnapshot | None
    official: OfficialResult | None

    @property
    def any(self) -> bool:
        return any(r.done or r.score is not None for r in self.rows) or self.snapshot is not None

    @property
    def scored(self) -> list[StageRow]:
        return [r for r in self.rows if r.score is not None]


def stage_timeline(period: Period, *, years: list[Period] | None = None) -> Timeline:
    """Every stage in order, done or not, with its official score and its findings by status;
    `years` (from `_years`) saves the query for the official result and the snapshot."""
    stages = {s.kind: s for s in Stage.objects.filter(period=period)}
    found = defaultdict(dict)
    for row in (
        Finding.objects.filter(period=period)
        .values("stage", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        found[row["stage"]][row["status"]] = row["n"]
    years = _years(period) if years is None else years
    current = next((p for p in years if p.pk == period.pk), None)
    official = getattr(current, "official", None)
    snapshot = getattr(current, "forecast", None)
    rows = []
    for kind in STAGE_ORDER:
        name = STAGE_SCORE_FIELD.get(kind)
        score = getattr(official, name) if official and name else None
        label = str(StageKind(kind).label)
        rows.append(StageRow(kind, label, stages.get(kind), score, snapshot, dict(found[kind])))
    return Timeline(rows, snapshot, official)


def _years(period: Period) -> list[Period]:
    """This and every earlier period of the region, with the official result and snapshot."""
    return list(
        Period.objects.filter(region=period.region, year__lte=period.year)
        .select_related("official", "forecast")
        .order_by("-year")
    )


def dashboard_stages(period: Period) -> tuple[Timeline, list[ForecastYear]]:
    """The dashboard's timeline and forecast history together, in three queries."""
    years = _years(period)
    return stage_timeline(period, years=years), forecast_history(period, years=years)


@dataclass
class ForecastYear:
    year: int
    ready_total: Decimal | None
    final_score: Decimal | None
    category: str

    @property
    def difference(self) -> Decimal | None:
        """The ministry's final score minus the ready forecast frozen at self-assessment."""
        return _minus(self.final_score, self.ready_total)


def forecast_history(period: Period, *, years: list[Period] | None = None) -> list[ForecastYear]:
    """This and every earlier year of the region with a frozen forecast or a final score."""
    rows = []
    for past in _years(period) if years is None else years:
        official = getattr(past, "official", None)
        snapshot = getattr(past, "forecast", None)
        final = official.final_score if official else None
        if snapshot is None and final is None:
            continue
        rows.append(
            ForecastYear(
                past.year,
                snapshot.ready_total if snapshot else None,
                final,
                official.category if official else "",
            )
        )
    return rows

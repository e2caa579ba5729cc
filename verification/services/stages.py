"""Writes of the ministry's stages: saving one, and freezing the forecast on the self-assessment
day.

The forecast is stored, not recomputed from the audit history: the ready basis depends on the
files, their requirements and the register as they stood that day, and rebuilding all of that
from history would be slow and easy to get subtly wrong. A stored snapshot is exact for the
moment it was taken and costs one row; it is taken when the self-assessment date is recorded
(or, for a date still ahead, by the daily `send_finding_reminders` run on that day).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from indicators.selectors.score_cache import cached_period_score
from indicators.selectors.scores import READY, SELF, VERIFIED
from verification.models import ForecastSnapshot, Stage, StageKind


def forecast_freeze(period, *, as_of: datetime.date) -> ForecastSnapshot:
    """The period's frozen forecast: taken now if there is none yet, else the one stored."""
    existing = ForecastSnapshot.objects.filter(period=period).first()
    if existing is not None:
        return existing
    snapshot = ForecastSnapshot(
        period=period,
        as_of=as_of,
        self_total=cached_period_score(period, SELF).total,
        verified_total=cached_period_score(period, VERIFIED).total,
        ready_total=cached_period_score(period, READY).total,
    )
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # a concurrent save froze it first: that one stands
        return ForecastSnapshot.objects.get(period=period)
    return snapshot


def stage_recorded(stage: Stage, *, today: datetime.date | None = None) -> None:
    """After a stage is saved: a self-assessment already sent freezes the forecast."""
    today = today or timezone.localdate()
    if stage.kind == StageKind.SELF and stage.held_on <= today:
        forecast_freeze(stage.period, as_of=stage.held_on)


def forecasts_freeze_due(*, today: datetime.date | None = None) -> int:
    """Freeze every period whose self-assessment day has come and has no snapshot yet."""
    today = today or timezone.localdate()
    due = Stage.objects.filter(
        kind=StageKind.SELF, held_on__lte=today, period__forecast__isnull=True
    ).select_related("period__framework", "period__region")
    count = 0
    for stage in due:
        forecast_freeze(stage.period, as_of=stage.held_on)
        count += 1
    return count

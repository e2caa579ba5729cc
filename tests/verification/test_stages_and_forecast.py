"""The stages of a period and the forecast frozen at self-assessment: later changes do not
move it; the dashboard shows each official stage score beside it and the difference."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import OfficialResult
from indicators.selectors.score_cache import cached_period_score
from indicators.selectors.scores import READY, SELF, VERIFIED
from tests.conftest import make_submission
from verification.models import ForecastSnapshot, Stage
from verification.selectors.stages import forecast_history, stage_timeline
from verification.services.stages import forecasts_freeze_due, stage_recorded

pytestmark = pytest.mark.django_db


def _self_stage(period, day):
    stage = Stage.objects.create(period=period, kind="self", held_on=day)
    stage_recorded(stage)
    return stage


def test_recording_the_self_assessment_freezes_the_three_projections(demo):
    period = demo.period
    make_submission(period, "DINKES", "III.12.a", status="approved")
    make_submission(period, "DINKES", "III.14.a", status="submitted")
    _self_stage(period, timezone.localdate())
    snapshot = ForecastSnapshot.objects.get(period=period)
    assert snapshot.self_total == cached_period_score(period, SELF).total > 0
    assert snapshot.verified_total == cached_period_score(period, VERIFIED).total > 0
    assert snapshot.ready_total == cached_period_score(period, READY).total


def test_later_changes_do_not_move_the_frozen_projections(
    demo, verifier, django_capture_on_commit_callbacks
):
    from indicators.services import workflow

    period = demo.period
    pending = make_submission(period, "DINKES", "III.12.a", status="submitted")
    _self_stage(period, timezone.localdate())
    frozen = ForecastSnapshot.objects.get(period=period)
    before = (frozen.self_total, frozen.verified_total, frozen.ready_total)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_approve(
            submission_id=pending.pk, actor=verifier, version=pending.version, note="Cukup."
        )
    # saving the stage again, or the daily run, takes no new snapshot
    stage = Stage.objects.get(period=period, kind="self")
    stage.outcome = "Dikirim."
    stage.save()
    stage_recorded(stage)
    assert forecasts_freeze_due() == 0
    frozen.refresh_from_db()
    assert (frozen.self_total, frozen.verified_total, frozen.ready_total) == before
    assert cached_period_score(period, VERIFIED).total > before[1]  # reality moved on


def test_a_self_assessment_date_ahead_freezes_on_that_day(demo):
    period = demo.period
    ahead = timezone.localdate() + datetime.timedelta(days=3)
    _self_stage(period, ahead)
    assert not ForecastSnapshot.objects.filter(period=period).exists()
    assert forecasts_freeze_due(today=ahead - datetime.timedelta(days=1)) == 0
    assert forecasts_freeze_due(today=ahead) == 1
    assert ForecastSnapshot.objects.get(period=period).as_of == ahead


def test_the_timeline_puts_each_official_score_beside_the_frozen_projections(demo):
    period = demo.period
    _self_stage(period, timezone.localdate())
    Stage.objects.create(period=period, kind="va", held_on=timezone.localdate())
    snapshot = ForecastSnapshot.objects.get(period=period)
    snapshot.self_total, snapshot.verified_total, snapshot.ready_total = (
        Decimal("900.00"), Decimal("850.00"), Decimal("800.00"),
    )  # fmt: skip
    snapshot.save()
    OfficialResult.objects.create(
        period=period,
        self_assessment=Decimal("905.50"),
        administrative_verification=Decimal("820.25"),
    )
    timeline = stage_timeline(period)
    assert [r.kind for r in timeline.rows] == ["self", "va", "vl", "vf", "decree"]
    assert [r.done for r in timeline.rows] == [True, True, False, False, False]
    va = timeline.rows[1]
    assert va.score == Decimal("820.25")
    assert (va.vs_self, va.vs_verified, va.vs_ready) == (
        Decimal("-79.75"), Decimal("-29.75"), Decimal("20.25"),
    )  # fmt: skip
    assert [r.kind for r in timeline.scored] == ["self", "va"]


def test_the_demo_year_shows_its_stages_and_how_far_the_ready_forecast_was(demo_with_values):
    previous = demo_with_values.period.region.periods.get(locked=True)
    timeline = stage_timeline(previous)
    assert all(r.done for r in timeline.rows)
    assert timeline.rows[2].score == Decimal("850.10")  # the field verification
    years = forecast_history(demo_with_values.period)
    assert [y.year for y in years] == [previous.year]
    assert years[0].final_score == Decimal("845.60")
    assert years[0].difference == Decimal("845.60") - years[0].ready_total
    assert previous.findings.count() == 3


def test_the_dashboard_shows_the_timeline_and_the_differences(
    demo_with_values, client, gugus_tugas
):
    previous = demo_with_values.period.region.periods.get(locked=True)
    client.force_login(gugus_tugas)
    page = client.get(f"/dashboard/?period={previous.year}").content.decode()
    assert 'id="stages"' in page and 'id="stage-vs-forecast"' in page
    assert "850,10" in page  # Indonesian separators
    assert "2 catatan" in page and "1 dijawab" in page  # the field verification's findings
    assert f"?stage=vl&amp;year={previous.year}" in page
    snapshot = ForecastSnapshot.objects.get(period=previous)
    difference = Decimal("845.60") - snapshot.ready_total
    assert f"{difference:.2f}".replace(".", ",") in page
    current = client.get("/dashboard/").content.decode()
    assert 'id="forecast-history"' in current


def test_seeding_the_demo_again_changes_no_stage_or_finding(demo_with_values, framework):
    from indicators.seeding.demo import demo_seed
    from verification.models import Finding

    before = (Stage.objects.count(), Finding.objects.count(), ForecastSnapshot.objects.count())
    demo_seed(framework=framework, with_values=True, password=None)
    assert (Stage.objects.count(), Finding.objects.count(), ForecastSnapshot.objects.count()) == (
        before
    )
    assert before == (5, 3, 1)

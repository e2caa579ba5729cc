"""Times and deadlines are shown in Asia/Makassar (WITA, UTC+8), whatever the server's zone."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from indicators.models import Agency, Period, ReviewEvent, Submission
from indicators.views.workspace import item_url

UTC = datetime.UTC


def test_review_event_late_in_the_utc_evening_shows_next_morning_on_the_item_page(
    client, demo_with_values, operator
):
    agency = Agency.objects.get(code="DINKES")
    submission = Submission.objects.filter(agency=agency, status="returned").first()
    ReviewEvent.objects.create(
        submission=submission,
        action=ReviewEvent.Action.RETURNED,
        from_status="submitted",
        to_status="returned",
        note="Lengkapi SK.",
        created_at=datetime.datetime(2026, 3, 14, 23, 30, tzinfo=UTC),
    )
    client.force_login(operator)
    html = client.get(item_url(agency, submission.item.code)).content.decode()
    assert "15 Mar 2026 07:30" in html
    assert "14 Mar 2026 23:30" not in html


def test_notice_on_the_operator_home_uses_wita(client, demo_with_values, operator):
    submission = Submission.objects.filter(agency__code="DINKES", status="returned").first()
    # A year ahead, so it is the newest notice and no demo event shares its date.
    year = timezone.now().year + 1
    ReviewEvent.objects.create(
        submission=submission,
        action=ReviewEvent.Action.RETURNED,
        from_status="submitted",
        to_status="returned",
        created_at=datetime.datetime(year, 3, 14, 23, 30, tzinfo=UTC),
    )
    client.force_login(operator)
    html = client.get("/").content.decode()
    assert f"15 Mar {year} 07:30" in html
    assert f"14 Mar {year} 23:30" not in html


def deadline_at(monkeypatch, period, utc_now):
    monkeypatch.setattr(timezone, "now", lambda: utc_now)
    return render_to_string("partials/deadline.html", {"period": period}).strip()


def test_deadline_counts_days_by_the_wita_calendar(monkeypatch, demo):
    period = Period.objects.get(locked=False)
    period.closes_on = datetime.date(2026, 6, 30)
    # 29 June 23:30 UTC is already 30 June 07:30 in Balikpapan: the last day, not one day left.
    last_day = deadline_at(monkeypatch, period, datetime.datetime(2026, 6, 29, 23, 30, tzinfo=UTC))
    # 30 June 16:30 UTC is 1 July 00:30 in Balikpapan: entry has closed.
    closed = deadline_at(monkeypatch, period, datetime.datetime(2026, 6, 30, 16, 30, tzinfo=UTC))
    assert last_day == "Batas 30 Juni 2026 (0 hari lagi)"
    assert closed == "Pengisian ditutup 30 Juni 2026"

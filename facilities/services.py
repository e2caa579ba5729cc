"""Writes of the register: its reference data and the dates a certificate is valid."""

from __future__ import annotations

import calendar
import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from facilities.feeds import feed_rules
from facilities.models import FacilityType, Standard

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _rows(name: str) -> list[dict]:
    with open(FIXTURES / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_load() -> dict[str, int]:
    """Create the bundled facility types and standards that are missing; returns the counts
    created. Existing rows are left as they are (an admin may have edited them)."""
    created = {"types": 0, "standards": 0}
    types = {}
    for row in _rows("facility_types.csv"):
        feed_rules(row["feeds"])
        types[row["code"]], made = FacilityType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name_id"],
                "name_en": row["name_en"],
                "agencies": row["agencies"],
                "levels": row["levels"],
                "feeds": row["feeds"],
            },
        )
        created["types"] += made
    for row in _rows("standards.csv"):
        feed_rules(row["feeds"])
        _, made = Standard.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name_id"],
                "name_en": row["name_en"],
                "facility_type": types.get(row["facility_type"]) if row["facility_type"] else None,
                "certifier": row["certifier"],
                "validity_months": int(row["validity_months"]) if row["validity_months"] else None,
                "feeds": row["feeds"],
            },
        )
        created["standards"] += made
    return created


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def certification_valid_until(
    standard: Standard, granted_on: datetime.date | None, given: datetime.date | None
) -> datetime.date | None:
    """The last day a certificate is valid: its own end date, else `validity_months` after it
    was granted, else none (valid until revoked)."""
    if given:
        return given
    if granted_on and standard.validity_months:
        return add_months(granted_on, standard.validity_months) - datetime.timedelta(days=1)
    return None


def register_take_record(*, submission, measured, actor) -> None:
    """Remember what a taken answer was computed from (`selectors.take_state` compares)."""
    from facilities.models import RegisterTake

    answer = {
        name: (str(value) if isinstance(value, Decimal) else value)
        for name, value in measured.answer.items()
    }
    RegisterTake.objects.update_or_create(
        submission=submission,
        defaults={
            "reference_date": measured.reference_date,
            "fingerprint": measured.fingerprint,
            "answer": answer,
            "places": measured.listed,
            "taken_at": timezone.now(),
            "taken_by": actor,
        },
    )

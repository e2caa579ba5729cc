"""Who owes what: each assigned agency and item of a period, with its answer's status or missing."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.models import Assignment, Period, Submission

MISSING = "missing"  # an assigned agency with no submission at all


@dataclass(frozen=True)
class Owed:
    """One assignment in a period: the agency, the item and where its answer stands."""

    agency_id: int
    agency_code: str
    agency_label: str
    item_id: int
    item_code: str
    item_name: str
    status: str  # a Submission.Status value, or MISSING


def assignment_states(period: Period) -> list[Owed]:
    """Every assignment of the period's region and edition with its status, in two queries."""
    # Keyed by ids: joining the period's rows to every agency of the country just for codes
    # made PostgreSQL hash the whole agency table.
    statuses = {
        (agency_id, item_id): status
        for agency_id, item_id, status in Submission.objects.filter(period=period)
        .order_by()
        .values_list("agency_id", "item_id", "status")
    }
    rows = (
        Assignment.objects.filter(
            agency__region=period.region_id, item__indicator__cluster__framework=period.framework_id
        )
        .order_by("item__code", "agency__code")
        .values_list(
            "agency_id", "agency__code", "agency__short_name", "item_id", "item__code", "item__name"
        )
    )
    return [
        Owed(
            agency_id,
            code,
            short or code,
            item_id,
            item_code,
            item_name,
            statuses.get((agency_id, item_id), MISSING),
        )
        for agency_id, code, short, item_id, item_code, item_name in rows
    ]

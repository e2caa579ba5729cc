"""Import of 10,000 rows through `values_import`, against a bare `bulk_create` of the same rows."""

import statistics
import time

from django.db import transaction

from indicators.models import Agency, Assignment, Period, Region, Submission
from indicators.services.importing import values_import

SLUG = "bench-import"


def _import_period(framework, rows: int) -> Period:
    """A region with enough agencies that every one of `rows` rows is a distinct assignment."""
    from clusters.selectors import framework_items

    items = list(framework_items(framework))
    region, created = Region.objects.get_or_create(slug=SLUG, defaults={"name": "Bench import"})
    if created:
        count = -(-rows // len(items))
        agencies = Agency.objects.bulk_create(
            Agency(region=region, code=f"IMP{n:04d}", name=f"Import {n}") for n in range(count)
        )
        Assignment.objects.bulk_create(
            (Assignment(agency=a, item=i) for a in agencies for i in items), batch_size=2000
        )
    year = max(Period.objects.values_list("year", flat=True))
    period, _ = Period.objects.get_or_create(
        region=region,
        year=year,
        defaults={
            "framework": framework,
            "opens_on": f"{year}-01-02",
            "closes_on": f"{year}-12-31",
        },
    )
    return period


def _table(period: Period, rows: int):
    pairs = (
        Assignment.objects.filter(agency__region=period.region)
        .select_related("agency", "item")
        .order_by("agency__code", "item__code")[:rows]
    )
    lines, objects = ["agency,item,numerator,denominator,value,note"], []
    for pair in pairs:
        kind = pair.item.kind
        numbers = {"check": ("", "", "ya"), "percent": ("90", "100", ""), "count": ("", "", "3")}
        numerator, denominator, value = numbers[kind]
        lines.append(f"{pair.agency.code},{pair.item.code},{numerator},{denominator},{value},b")
        objects.append((pair, kind))
    return "\n".join(lines).encode(), objects


def _bare(period, objects):
    answers = {
        "check": {"answer_yes": True},
        "percent": {"numerator": 90, "denominator": 100},
        "count": {"count": 3},
    }
    Submission.objects.bulk_create(
        (
            Submission(
                agency=pair.agency,
                item=pair.item,
                period=period,
                status=Submission.Status.SUBMITTED,
                narrative="b",
                **answers[kind],
            )
            for pair, kind in objects
        ),
        batch_size=1000,
    )


def _timed_and_undone(action) -> float:
    with transaction.atomic():
        started = time.perf_counter()
        action()
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)  # every round starts from the same empty period
    return elapsed


def import_bench(*, rows: int = 10_000, rounds: int = 3) -> dict:
    """Median seconds of each way to store `rows` rows, and their ratio."""
    from clusters.selectors import current_framework

    period = _import_period(current_framework(), rows)
    content, objects = _table(period, rows)
    assert len(objects) == rows
    imported, bare = [], []
    for _ in range(rounds):
        imported.append(
            _timed_and_undone(
                lambda: values_import(
                    content=content, filename="bench.csv", period=period, status="submitted"
                )
            )
        )
        bare.append(_timed_and_undone(lambda: _bare(period, objects)))
    imported_s, bare_s = statistics.median(imported), statistics.median(bare)
    return {
        "rows": rows,
        "values_import_s": round(imported_s, 3),
        "bulk_create_s": round(bare_s, 3),
        "ratio": round(imported_s / bare_s, 2),
        "budget": 5.0,
    }

"""The admin changelist at national size: its cheap count, and the order its index serves."""

import pytest
from django.db import connection

from indicators.admin.paging import EstimatedCountPaginator
from indicators.models import REVIEW_QUEUE_STATUSES, Submission


@pytest.fixture
def analysed(generate):
    generate(regions=2, agencies=12)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE indicators_submission")
    return Submission.objects.count()


@pytest.mark.postgres
def test_an_unfiltered_huge_table_is_counted_from_the_planners_estimate(
    analysed, monkeypatch, django_assert_num_queries
):
    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's")
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 1)
    paginator = EstimatedCountPaginator(Submission.objects.order_by("pk"), 50)
    with django_assert_num_queries(1) as queries:
        estimate = paginator.count
    assert "reltuples" in queries.captured_queries[0]["sql"]
    assert abs(estimate - analysed) <= analysed * 0.1


def test_a_small_or_filtered_table_is_counted_exactly(analysed):
    paginator = EstimatedCountPaginator(Submission.objects.order_by("pk"), 50)
    assert paginator.count == analysed
    filtered = Submission.objects.filter(status="approved").order_by("pk")
    assert EstimatedCountPaginator(filtered, 50).count == filtered.count()


def test_the_indexed_review_queue_order_ranks_every_status():
    assert sorted(REVIEW_QUEUE_STATUSES) == sorted(Submission.Status.values)
    assert REVIEW_QUEUE_STATUSES[0] == Submission.Status.SUBMITTED

"""Query budgets: scoring and the health check cost the same queries at any data size."""

import io
import json

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Submission
from indicators.selectors import SELF, VERIFIED, current_period, period_score, region_by_slug
from tests.performance.conftest import YEAR


def _sizes(generate):
    """A small region r0001 and, beside it, a bigger r0002 with more agencies and years."""
    generate(regions=1, agencies=5, periods=1)
    generate(regions=2, agencies=40, periods=3)
    small, big = (current_period(region_by_slug(s)) for s in ("r0001", "r0002"))
    small_rows = Submission.objects.filter(period=small).count()
    big_rows = Submission.objects.filter(period__region=big.region).count()
    assert big_rows > 10 * small_rows  # the two sizes really differ
    return small, big


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_period_score_costs_five_queries_at_any_size(generate):
    small, big = _sizes(generate)
    for basis in (VERIFIED, SELF):
        counts = [_queries(lambda p=p, b=basis: period_score(p, b)) for p in (small, big)]
        assert counts == [5, 5]


def test_kla_score_command_costs_the_same_queries_at_any_size(generate):
    _sizes(generate)

    def kla_score(slug):
        out = io.StringIO()
        call_command("kla_score", period=YEAR, region=slug, basis=SELF, stdout=out)
        assert json.loads(out.getvalue())["region"] == slug

    assert _queries(lambda: kla_score("r0001")) == _queries(lambda: kla_score("r0002"))


def test_healthz_costs_one_query_at_any_size(generate, client):
    generate(regions=1, agencies=5)
    small = _queries(lambda: client.get("/healthz"))
    generate(regions=4, agencies=40, periods=2)
    big = _queries(lambda: client.get("/healthz"))
    assert small == big == 1

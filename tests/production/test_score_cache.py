"""Score snapshots: served from the cache, and never stale after a review or an import."""

import pytest

from indicators.models import Period, Submission
from indicators.selectors.periods import NotFound
from indicators.selectors.score_cache import cached_period_score
from indicators.selectors.scores import period_score
from indicators.services import workflow
from indicators.services.importing import values_import
from kla_portal import versions
from tests.conftest import make_ready
from tests.production.conftest import evidence_for


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    """Both caches the portal runs on: local memory, and Redis (where incr is Redis's own)."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")


@pytest.fixture
def submitted(draft, operator, django_capture_on_commit_callbacks):
    evidence_for(draft)
    make_ready(draft)  # approvable without a reason
    with django_capture_on_commit_callbacks(execute=True):
        return workflow.submission_submit(submission=draft, actor=operator, version=None)


def fresh_and_cached(period, basis="verified"):
    return period_score(period, basis), cached_period_score(period, basis)


def test_a_second_read_comes_from_the_cache_without_queries(
    any_cache, demo, django_assert_num_queries
):
    first = cached_period_score(demo.period, "self")
    with django_assert_num_queries(0):
        assert cached_period_score(demo.period, "self") == first


def test_approve_reopen_and_return_are_seen_at_once(
    any_cache, demo, submitted, verifier, operator, django_capture_on_commit_callbacks
):
    before = cached_period_score(demo.period, "verified")
    self_before = cached_period_score(demo.period, "self")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_approve(submission_id=submitted.pk, actor=verifier)
    fresh, cached = fresh_and_cached(demo.period)
    assert cached == fresh and cached.total > before.total

    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_reopen(submission_id=submitted.pk, actor=verifier, note="Cek SK")
    assert cached_period_score(demo.period, "verified") == before

    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_save(
            submission=submitted, values={"numerator": 10}, actor=operator, version=None
        )
    fresh, cached = fresh_and_cached(demo.period, "self")
    assert cached == fresh and cached.total < self_before.total


def test_return_is_seen_at_once(
    any_cache, demo, submitted, verifier, django_capture_on_commit_callbacks
):
    with_submitted = cached_period_score(demo.period, "self")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_return(submission_id=submitted.pk, actor=verifier, note="Cek data")
    # Returned answers still count in the self-assessment; the total is unchanged but recomputed.
    fresh, cached = fresh_and_cached(demo.period, "self")
    assert cached == fresh == with_submitted


def test_an_import_is_seen_at_once(any_cache, demo, django_capture_on_commit_callbacks):
    before = cached_period_score(demo.period, "verified")
    content = b"agency,item,numerator,denominator,value,note\nDINKES,III.12.a,100,100,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        values_import(
            content=content,
            filename="v.csv",
            period=demo.period,
            status="approved",
            evidence_rule=False,  # approved as loaded, as `import_values` does
        )
    fresh, cached = fresh_and_cached(demo.period)
    assert cached == fresh and cached.total > before.total


def test_a_dry_run_import_keeps_the_snapshot(any_cache, demo, django_capture_on_commit_callbacks):
    cached_period_score(demo.period, "verified")
    content = b"agency,item,numerator,denominator,value,note\nDINKES,III.12.a,100,100,,\n"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        values_import(
            content=content, filename="v.csv", period=demo.period, status="approved", dry_run=True
        )
    # Its writes were rolled back: nothing bumps the shared version when the test commits.
    assert callbacks == []


def test_bumping_a_version_nobody_read_is_harmless(any_cache, demo):
    versions.bump()
    versions.bump()
    assert cached_period_score(demo.period, "self") == period_score(demo.period, "self")


def test_an_unknown_basis_is_refused(demo):
    with pytest.raises(NotFound):
        cached_period_score(demo.period, "guess")


def test_without_a_shared_cache_scores_are_computed_every_time(settings, draft):
    settings.SCORE_CACHE_SECONDS = 0
    period = Period.objects.select_related("framework", "region").get(pk=draft.period_id)
    before = cached_period_score(period, "verified").total
    # A change that bypasses the workflow, so nothing invalidates: only recomputing shows it.
    Submission.objects.filter(pk=draft.pk).update(status="approved")
    after = cached_period_score(period, "verified").total
    assert after > before
    assert after == period_score(period, "verified").total


def test_the_ready_forecast_sees_a_requirement_edit_and_a_new_reference_date_at_once(
    any_cache, demo, draft
):
    import datetime

    from clusters.models import EvidenceRequirement
    from tests.conftest import attach_document

    attach_document(draft, "data", dated=demo.period.reference_on - datetime.timedelta(days=200))
    Submission.objects.filter(pk=draft.pk).update(status="approved")
    ready = cached_period_score(demo.period, "ready")
    assert ready.total > 0
    # No write to the period: the admin (a model save) shortens how recent the report must be.
    requirement = EvidenceRequirement.objects.get(item=draft.item, code="data")
    requirement.max_age_months = 3
    requirement.save()
    assert cached_period_score(demo.period, "ready").total == 0
    requirement.max_age_months = 12
    requirement.save()
    assert cached_period_score(demo.period, "ready") == ready
    demo.period.reference_date = demo.period.reference_on + datetime.timedelta(days=300)
    demo.period.save()
    fresh, cached = fresh_and_cached(demo.period, "ready")
    assert cached == fresh and cached.total == 0

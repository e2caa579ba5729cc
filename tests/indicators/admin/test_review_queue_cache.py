"""The review queue's rows come from the content cache, never stale: a write shows at once, and
a rendering holds no longer than until a row's waiting time or overdue mark moves."""

import datetime

import pytest
from django.utils import timezone

from indicators.models import Submission
from indicators.selectors.review_queue import OVERDUE_AFTER, QueueFilters, review_queue_page
from indicators.services import workflow
from kla_portal import versioned_cache
from tests.conftest import make_submission

QUEUE = "/admin/review/"


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


def _rows(response) -> int:
    return response.content.decode().count("<tr data-id=")


def test_a_review_shows_in_the_cached_queue_at_once(verifier_client, demo, verifier):
    submission = make_submission(demo.period, "DINKES", "III.13.a")
    assert _rows(verifier_client.get(QUEUE)) == 1
    assert _rows(verifier_client.get(QUEUE)) == 1  # served from the cache
    workflow.submission_approve(
        submission_id=submission.pk, actor=verifier, version=1, note="Diterima tanpa berkas."
    )
    assert _rows(verifier_client.get(QUEUE)) == 0  # waiting: nothing left
    assert _rows(verifier_client.get(QUEUE + "?status=approved")) == 1


def test_the_rendering_lasts_only_until_the_first_mark_moves(verifier_client, demo, monkeypatch):
    now = timezone.now()
    almost = now - OVERDUE_AFTER + datetime.timedelta(minutes=10)  # overdue in 10 minutes
    make_submission(demo.period, "DINKES", "III.13.a", submitted_at=almost)
    page = review_queue_page(demo.period, QueueFilters.from_query({}), now=now)
    assert page.rows[0].overdue is False
    # "waiting 4 days" turns into 5 then, a second before the row turns overdue
    assert page.marks_change_at == almost + OVERDUE_AFTER

    stored = []
    real_set = versioned_cache.cache.set

    def spy(key, value, timeout=None, **kwargs):
        stored.append((key, timeout))
        return real_set(key, value, timeout=timeout, **kwargs)

    monkeypatch.setattr(versioned_cache.cache, "set", spy)
    verifier_client.get(QUEUE)
    [(key, timeout)] = [(k, t) for k, t in stored if ":review-queue:" in k]
    assert 0 < timeout <= 10 * 60  # renders again once the row turns overdue


def test_a_queue_with_nothing_waiting_is_kept_until_a_write(demo):
    make_submission(demo.period, "DINKES", "III.13.a", status=Submission.Status.DRAFT)
    page = review_queue_page(demo.period, QueueFilters.from_query({"status": "all"}))
    assert page.marks_change_at is None

"""The dashboard reads cached scores and gap plan, yet never shows one older than the data."""

import pytest
from django.test import Client

from clusters import gap_planner
from clusters.selectors import framework_spec
from indicators.models import Submission
from indicators.selectors.dashboard import dashboard_data
from indicators.selectors.scores import SELF, VERIFIED, counted_answers, period_score
from indicators.services import workflow
from indicators.services.importing import values_import
from tests.production.test_framework_edits import edit_weight


@pytest.fixture
def watching(client, demo_with_values, gugus_tugas):
    """The Gugus Tugas dashboard of the demo year, read once so its snapshots are cached."""
    client.force_login(gugus_tugas)
    client.get("/dashboard/")
    return demo_with_values.period


def _shown(client):
    """What the page was rendered from: after a write its content is never the cached one."""
    return client.get("/dashboard/").context["data"]


def _assert_fresh(data, period):
    assert data.verified.total == period_score(period, VERIFIED).total
    assert data.self_assessed.total == period_score(period, SELF).total
    fresh_plan = gap_planner.plan(
        framework_spec(period.framework), counted_answers(period, VERIFIED)
    )
    assert data.plan == fresh_plan


def _waiting(period):
    """A submission waiting for review whose approval moves the verified score."""
    claimed = {item.code for item in period_score(period, SELF).items if item.fraction}
    approved = set(
        Submission.objects.filter(period=period, status="approved").values_list("item__code")
    )
    for submission in Submission.objects.filter(period=period, status="submitted"):
        if submission.item.code in claimed and (submission.item.code,) not in approved:
            return submission
    raise AssertionError("the demo year has no such submission")


def test_dashboard_shows_an_approval_at_once(
    client, watching, verifier, django_capture_on_commit_callbacks
):
    before = dashboard_data(watching).verified.total
    with django_capture_on_commit_callbacks(execute=True):
        # Synthetic files name no requirement: the approval is one with gaps, and says why.
        workflow.submission_approve(
            submission_id=_waiting(watching).pk, actor=verifier, note="Dokumen menyusul."
        )
    data = _shown(client)
    _assert_fresh(data, watching)
    assert data.verified.total != before


def test_dashboard_shows_a_reopen_and_a_return_at_once(
    client, watching, verifier, django_capture_on_commit_callbacks
):
    approved = Submission.objects.filter(period=watching, status="approved").first()
    before = dashboard_data(watching).verified.total
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_reopen(submission_id=approved.pk, actor=verifier, note="Cek SK")
    data = _shown(client)
    _assert_fresh(data, watching)
    assert data.verified.total != before

    waiting = _waiting(watching)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_return(submission_id=waiting.pk, actor=verifier, note="Cek data")
    data = _shown(client)
    _assert_fresh(data, watching)
    rows = [item for row in data.indicators for item in row.items]
    entries = next(item.entries for item in rows if item.code == waiting.item.code)
    assert {e.agency_code: e.status for e in entries}[waiting.agency.code] == "returned"


def test_dashboard_shows_an_import_at_once(client, watching, django_capture_on_commit_callbacks):
    before = dashboard_data(watching).verified.total
    content = b"agency,item,numerator,denominator,value,note\nDINKES,III.12.a,100,100,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        values_import(content=content, filename="v.csv", period=watching, status="approved")
    data = _shown(client)
    _assert_fresh(data, watching)
    assert data.verified.total > before


def test_dashboard_shows_a_framework_edit_at_once(client, watching, superuser):
    before = dashboard_data(watching).self_assessed.total
    editor = Client()
    editor.force_login(superuser)
    edit_weight(editor)  # through the item's admin change page
    data = _shown(client)
    _assert_fresh(data, watching)
    assert data.self_assessed.total != before

"""The submission workflow: transitions, notes, periods and the version check."""

import datetime

import pytest

from indicators.models import Period, ReviewEvent, Submission
from indicators.services import workflow
from tests.conftest import attach_evidence as attach
from tests.conftest import make_ready


def test_submit_needs_required_evidence(draft, operator):
    with pytest.raises(workflow.WorkflowError, match="data dukung"):
        workflow.submission_submit(submission=draft, actor=operator, version=draft.version)
    attach(draft)
    submitted = workflow.submission_submit(submission=draft, actor=operator, version=draft.version)
    assert submitted.status == "submitted" and submitted.version == draft.version + 1
    assert ReviewEvent.objects.get(submission=draft).action == "submitted"


def test_review_cycle_return_resubmit_approve_reopen(draft, operator, verifier):
    make_ready(draft)
    workflow.submission_submit(submission=draft, actor=operator, version=None)
    with pytest.raises(workflow.WorkflowError, match="Catatan wajib"):
        workflow.submission_return(submission_id=draft.pk, actor=verifier, note=" ")
    returned = workflow.submission_return(submission_id=draft.pk, actor=verifier, note="Cek data")
    assert returned.status == "returned"
    edited = workflow.submission_save(
        submission=returned, values={"numerator": 96}, actor=operator, version=returned.version
    )
    workflow.submission_submit(submission=edited, actor=operator, version=edited.version)
    approved = workflow.submission_approve(submission_id=draft.pk, actor=verifier)
    assert approved.status == "approved"
    with pytest.raises(workflow.WorkflowError, match="tidak dapat diubah"):
        workflow.submission_save(
            submission=approved, values={"numerator": 1}, actor=operator, version=None
        )
    reopened = workflow.submission_reopen(submission_id=draft.pk, actor=verifier, note="Salah")
    assert reopened.status == "returned"
    assert list(
        ReviewEvent.objects.filter(submission=draft).order_by("id").values_list("action", flat=True)
    ) == ["submitted", "returned", "submitted", "approved", "reopened"]


def test_stale_version_is_a_conflict_and_overwrites_nothing(draft, operator):
    stale = draft.version
    workflow.submission_save(
        submission=draft, values={"numerator": 90}, actor=operator, version=stale
    )
    with pytest.raises(workflow.Conflict):
        workflow.submission_save(
            submission=draft, values={"numerator": 10}, actor=operator, version=stale
        )
    assert Submission.objects.get(pk=draft.pk).numerator == 90


def test_drafts_cannot_be_approved(draft, verifier):
    with pytest.raises(workflow.WorkflowError, match="Draf"):
        workflow.submission_approve(submission_id=draft.pk, actor=verifier)


def test_locked_period_accepts_no_review(draft, operator, verifier):
    attach(draft)
    workflow.submission_submit(submission=draft, actor=operator, version=None)
    Period.objects.filter(pk=draft.period_id).update(locked=True)
    with pytest.raises(workflow.WorkflowError, match="terkunci"):
        workflow.submission_approve(submission_id=draft.pk, actor=verifier)


def test_closed_entry_window_refuses_operator_edits(draft, operator):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Period.objects.filter(pk=draft.period_id).update(
        opens_on=yesterday - datetime.timedelta(days=30), closes_on=yesterday
    )
    draft.period.refresh_from_db()
    with pytest.raises(workflow.WorkflowError, match="ditutup"):
        workflow.submission_save(
            submission=draft, values={"numerator": 1}, actor=operator, version=None
        )


def test_review_listeners_run_after_commit(
    draft, operator, verifier, django_capture_on_commit_callbacks
):
    seen = []
    workflow.review_listeners.append(seen.append)
    try:
        make_ready(draft)
        workflow.submission_submit(submission=draft, actor=operator, version=None)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submission_approve(submission_id=draft.pk, actor=verifier)
    finally:
        workflow.review_listeners.remove(seen.append)
    assert [e.action for e in seen] == ["approved"]


def test_a_submission_is_withdrawn_to_draft_before_review_and_recorded(draft, operator, verifier):
    attach(draft)
    submitted = workflow.submission_submit(submission=draft, actor=operator, version=None)
    with pytest.raises(workflow.Conflict):
        workflow.submission_withdraw(
            submission_id=draft.pk, actor=operator, version=submitted.version - 1
        )
    withdrawn = workflow.submission_withdraw(
        submission_id=draft.pk, actor=operator, version=submitted.version
    )
    assert withdrawn.status == "draft" and withdrawn.version == submitted.version + 1
    event = ReviewEvent.objects.filter(submission=draft).latest("id")
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "withdrawn",
        "submitted",
        "draft",
        operator,
    )
    # Once a verifier has decided, it is theirs: no withdrawal of an approved answer.
    again = workflow.submission_submit(submission=withdrawn, actor=operator, version=None)
    workflow.submission_approve(submission_id=draft.pk, actor=verifier, note="ok")
    with pytest.raises(workflow.WorkflowError, match="menunggu verifikasi"):
        workflow.submission_withdraw(submission_id=draft.pk, actor=operator, version=None)
    assert again.pk == draft.pk


def test_withdrawing_tells_no_review_listener(draft, operator, django_capture_on_commit_callbacks):
    seen = []
    workflow.review_listeners.append(seen.append)
    try:
        attach(draft)
        workflow.submission_submit(submission=draft, actor=operator, version=None)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submission_withdraw(submission_id=draft.pk, actor=operator, version=None)
    finally:
        workflow.review_listeners.remove(seen.append)
    assert seen == []

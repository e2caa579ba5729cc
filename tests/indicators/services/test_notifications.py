"""An agency's members get an email when DP3AKB returns, approves or reopens a submission."""

import pytest
from django.core import mail

from indicators.models import Agency
from indicators.services import notifications, workflow
from tests.conftest import make_ready, make_submission


@pytest.fixture
def submitted(demo):
    return make_ready(make_submission(demo.period, "DINKES", "III.12.a"))


def test_the_app_registers_the_email_listener():
    assert notifications.review_notify in workflow.review_listeners


def test_return_emails_the_agency_members_with_the_note(
    submitted, operator, verifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_return(
            submission_id=submitted.pk, actor=verifier, note="Lampirkan SK bernomor"
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [operator.email]
    assert "III.12.a" in message.subject and "dikembalikan" in message.subject
    assert "Lampirkan SK bernomor" in message.body
    assert "Dikembalikan" in message.body


def test_approval_emails_the_agency_members(
    submitted, operator, verifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_approve(submission_id=submitted.pk, actor=verifier)
    assert [m.to for m in mail.outbox] == [[operator.email]]
    assert "disetujui" in mail.outbox[0].subject


def test_no_email_is_sent_before_the_review_commits(
    submitted, verifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submission_approve(submission_id=submitted.pk, actor=verifier)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_members_without_email_are_skipped(
    submitted, operator, verifier, django_capture_on_commit_callbacks
):
    Agency.objects.get(code="DINKES").members.update(email="")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_approve(submission_id=submitted.pk, actor=verifier)
    assert mail.outbox == []


def test_a_mail_failure_is_logged_and_the_review_stands(
    submitted, verifier, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_approve(submission_id=submitted.pk, actor=verifier)
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert "was not sent" in caplog.text

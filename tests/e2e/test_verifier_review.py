"""A DP3AKB verifier filters the queue, opens a submission, previews evidence and approves it."""

import re

import pytest
from playwright.sync_api import expect

from indicators.models import ReviewEvent, Submission
from tests.conftest import attach, make_ready, make_submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_verifier_approves_a_submission_in_the_admin(page, login, verifier, demo, screenshot):
    submission = make_submission(demo.period, "DINKES", "III.12.a", narrative="Cakupan ASI")
    attach(submission)
    make_ready(submission)  # its required documents are there: approvable without a reason
    login(page, "verifikator")

    page.goto("/admin/")
    screenshot(page, "admin-index-verifier")
    page.get_by_role(
        "link", name="1", exact=True
    ).first.click()  # the waiting count of the first cluster: the review queue
    expect(page).to_have_url(re.compile(r"/admin/review/\?region=balikpapan"))
    screenshot(page, "admin-review-queue-from-index")

    # The stock change page stays, for superusers and rare tasks.
    page.goto(f"/admin/indicators/submission/{submission.pk}/change/")
    preview = page.locator("img.kla-preview")
    preview.wait_for()
    assert preview.evaluate("img => img.naturalWidth") == 1  # the image came through the view
    screenshot(page, "admin-submission-detail")

    with page.expect_navigation():
        page.get_by_role("button", name="Setujui").click()
    assert "1 isian disetujui." in page.content()
    screenshot(page, "admin-submission-approved")
    submission.refresh_from_db()
    assert submission.status == "approved"
    assert ReviewEvent.objects.get(submission=submission).actor == verifier
    assert Submission.objects.filter(status="submitted").count() == 0

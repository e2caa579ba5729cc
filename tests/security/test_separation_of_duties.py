"""Nobody reviews their own agency's answers: not its members, not whoever submitted them."""

import pytest
from django.contrib.auth import get_user_model

from clusters.models import Item
from indicators.models import Agency, Assignment, ReviewEvent, Submission
from indicators.selectors.workspace import submission_for
from indicators.services import workflow
from tests.conftest import attach_evidence, make_ready

S = Submission.Status


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def dp3akb_submitted(demo):
    """DP3AKB's own answer to one of its items, submitted by its operator."""
    agency = Agency.objects.get(region=demo.region, code="DP3AKB")
    assignment = Assignment.objects.filter(agency=agency, item__kind=Item.Kind.CHECK).first()
    submission = workflow.submission_save(
        submission=submission_for(agency=agency, item=assignment.item, period=demo.period),
        values={"answer_yes": True},
        actor=user("operator.dp3akb"),
        version=None,
    )
    make_ready(submission)  # its documents complete, so approving needs no reason
    return workflow.submission_submit(
        submission=submission, actor=user("operator.dp3akb"), version=None
    )


def review(action, submission, actor):
    note = {} if action is workflow.submission_approve else {"note": "Lengkapi SK."}
    return action(submission_id=submission.pk, actor=actor, version=submission.version, **note)


@pytest.mark.parametrize("action", [workflow.submission_approve, workflow.submission_return])
def test_a_verifier_who_is_a_member_cannot_review_the_agencys_submission(dp3akb_submitted, action):
    with pytest.raises(workflow.WorkflowError, match="anggota DP3AKB.*verifikator lain"):
        review(action, dp3akb_submitted, user("verifikator"))
    dp3akb_submitted.refresh_from_db()
    assert dp3akb_submitted.status == S.SUBMITTED
    assert not dp3akb_submitted.events.exclude(action=ReviewEvent.Action.SUBMITTED).exists()


def test_the_second_demo_reviewer_reviews_dp3akbs_items(dp3akb_submitted):
    approved = review(workflow.submission_approve, dp3akb_submitted, user("verifikator2"))
    assert approved.status == S.APPROVED


def test_a_member_cannot_reopen_an_approval_either(dp3akb_submitted):
    approved = review(workflow.submission_approve, dp3akb_submitted, user("verifikator2"))
    with pytest.raises(workflow.WorkflowError, match="anggota DP3AKB"):
        review(workflow.submission_reopen, approved, user("verifikator"))
    assert review(workflow.submission_reopen, approved, user("verifikator2")).status == S.RETURNED


def test_a_superuser_who_belongs_to_the_agency_is_refused_too(dp3akb_submitted):
    admin = user("admin")
    dp3akb_submitted.agency.members.add(admin)
    with pytest.raises(workflow.WorkflowError, match="anggota DP3AKB"):
        review(workflow.submission_approve, dp3akb_submitted, admin)


def test_whoever_submitted_cannot_review_it_after_leaving_the_agency(dp3akb_submitted):
    submitter = user("operator.dp3akb")
    dp3akb_submitted.agency.members.remove(submitter)
    # Still of the region (a reviewer acts for the regions of their agencies), in another OPD.
    other = dp3akb_submitted.agency.region.agencies.exclude(pk=dp3akb_submitted.agency_id).first()
    other.members.add(submitter)
    submitter.groups.add(user("verifikator").groups.get())
    submitter.is_staff = True
    submitter.save()
    with pytest.raises(workflow.WorkflowError, match="Anda yang mengajukan isian ini"):
        review(workflow.submission_approve, dp3akb_submitted, submitter)


def test_the_admin_page_offers_no_buttons_to_a_member_and_says_why(client, dp3akb_submitted):
    url = f"/admin/indicators/submission/{dp3akb_submitted.pk}/change/"
    client.force_login(user("verifikator"))
    page = client.get(url).content.decode()
    assert 'name="review"' not in page
    assert "anggota DP3AKB" in page and "verifikator lain" in page
    client.force_login(user("verifikator2"))
    page = client.get(url).content.decode()
    assert 'value="approve"' in page and "anggota DP3AKB" not in page


def test_a_members_posted_review_is_refused_with_the_reason(client, dp3akb_submitted):
    client.force_login(user("verifikator"))
    response = client.post(
        f"/admin/indicators/submission/{dp3akb_submitted.pk}/review/",
        {"review": "approve", "version": dp3akb_submitted.version},
        follow=True,
    )
    assert "anggota DP3AKB" in response.content.decode()
    dp3akb_submitted.refresh_from_db()
    assert dp3akb_submitted.status == S.SUBMITTED


def test_the_bulk_action_skips_the_members_own_agency_and_says_why(client, dp3akb_submitted):
    client.force_login(user("verifikator"))
    response = client.post(
        "/admin/indicators/submission/",
        {
            "action": "approve_selected",
            "_selected_action": [dp3akb_submitted.pk],
            f"version-{dp3akb_submitted.pk}": dp3akb_submitted.version,
        },
        follow=True,
    )
    assert "1 dilewati" in response.content.decode()
    dp3akb_submitted.refresh_from_db()
    assert dp3akb_submitted.status == S.SUBMITTED


def test_a_member_is_told_they_may_not_review_before_being_told_of_missing_documents(demo):
    agency = Agency.objects.get(region=demo.region, code="DP3AKB")
    assignment = Assignment.objects.filter(agency=agency, item__kind=Item.Kind.CHECK).first()
    submission = workflow.submission_save(
        submission=submission_for(agency=agency, item=assignment.item, period=demo.period),
        values={"answer_yes": True},
        actor=user("operator.dp3akb"),
        version=None,
    )
    attach_evidence(submission)  # a file, but not the documents its item asks for
    submitted = workflow.submission_submit(
        submission=submission, actor=user("operator.dp3akb"), version=None
    )
    with pytest.raises(workflow.WorkflowError, match="anggota DP3AKB"):
        review(workflow.submission_approve, submitted, user("verifikator"))

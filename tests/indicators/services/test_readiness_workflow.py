"""Readiness in the workflow: approving with gaps, the ready basis, signs of doubtful data."""

import datetime

import pytest
from django.utils import timezone

from clusters import scoring
from clusters.models import EvidenceRequirement
from clusters.selectors import framework_spec
from indicators.models import Period, ReviewEvent, Submission
from indicators.selectors import flags as flag_signs
from indicators.selectors.readiness import submission_readiness
from indicators.selectors.scores import READY, VERIFIED, period_score
from indicators.services import documents, workflow
from tests.conftest import (
    PDF,
    attach_document,
    attach_evidence,
    make_ready,
    make_submission,
    upload,
)

S = Submission.Status


def test_approving_a_submission_that_is_not_ready_needs_a_reason(demo, verifier):
    submission = make_submission(demo.period, "DINKES", "III.12.a")
    with pytest.raises(workflow.WorkflowError, match="data: belum ada berkas"):
        workflow.submission_approve(
            submission_id=submission.pk, actor=verifier, version=submission.version
        )
    submission.refresh_from_db()
    assert submission.status == S.SUBMITTED
    assert not submission.events.exists()


def test_approval_with_gaps_is_recorded_on_the_event_and_excluded_from_the_ready_basis(
    demo, verifier
):
    submission = make_submission(demo.period, "DINKES", "III.12.a")
    workflow.submission_approve(
        submission_id=submission.pk,
        actor=verifier,
        version=submission.version,
        note="Laporan KIA menyusul dari Dinkes provinsi.",
    )
    submission.refresh_from_db()
    event = submission.events.get(action=ReviewEvent.Action.APPROVED)
    assert submission.status == S.APPROVED and submission.approved_with_gaps
    assert event.with_gaps and event.note == "Laporan KIA menyusul dari Dinkes provinsi."
    verified = {i.code: i.value for i in period_score(demo.period, VERIFIED).items}
    ready = {i.code: i.value for i in period_score(demo.period, READY).items}
    assert verified["III.12.a"] is not None
    assert ready["III.12.a"] is None


def test_approving_a_ready_submission_needs_no_reason_and_has_no_gaps(demo, verifier):
    submission = make_ready(make_submission(demo.period, "DINKES", "III.12.a"))
    workflow.submission_approve(
        submission_id=submission.pk, actor=verifier, version=submission.version
    )
    submission.refresh_from_db()
    assert submission.status == S.APPROVED and not submission.approved_with_gaps
    assert not submission.events.get(action=ReviewEvent.Action.APPROVED).with_gaps


def test_the_ready_basis_equals_scoring_the_approved_and_ready_submissions_alone(demo):
    period = demo.period
    ready_ones = [
        make_ready(make_submission(period, "DINKES", "III.12.a", status=S.APPROVED)),
        make_ready(make_submission(period, "DINKES", "III.13.b", status=S.APPROVED)),
    ]
    make_submission(period, "DINKES", "III.14.a", status=S.APPROVED)  # approved, no documents
    make_ready(make_submission(period, "DINKES", "III.13.a", status=S.SUBMITTED))  # not approved
    expired = make_submission(period, "DINKES", "III.15.a", status=S.APPROVED)
    for requirement in expired.item.evidence_requirements.filter(required=True):
        attach_document(
            expired, requirement.code, valid_until=period.reference_on - datetime.timedelta(days=1)
        )
    answers = [
        scoring.Answer(s.item.code, s.answer_yes, s.numerator, s.denominator, s.count)
        for s in ready_ones
    ]
    expected = scoring.score(framework_spec(period.framework), answers)
    assert period_score(period, READY).as_json() == expected.as_json()
    assert expected.total > 0


def test_the_ready_basis_judges_on_the_reference_date(demo):
    period = demo.period
    submission = make_submission(period, "DINKES", "III.12.a", status=S.APPROVED)
    attach_document(submission, "data", dated=period.reference_on - datetime.timedelta(days=200))
    assert period_score(period, READY).total > 0
    period.reference_date = period.reference_on + datetime.timedelta(days=400)
    period.save()
    assert period_score(period, READY).total == 0


def test_a_value_equal_to_last_years_is_flagged_and_submitting_it_needs_a_note(
    demo_with_values, operator
):
    period = demo_with_values.period
    previous = Submission.objects.get(
        period__year=period.year - 1, agency__code="DINKES", item__code="III.12.a"
    )
    submission = Submission.objects.filter(
        period=period, agency__code="DINKES", item__code="III.12.a"
    ).first() or make_submission(period, "DINKES", "III.12.a", status=S.DRAFT)
    Submission.objects.filter(pk=submission.pk).update(
        status=S.DRAFT, numerator=previous.numerator, denominator=previous.denominator
    )
    submission.refresh_from_db()
    if not submission.evidence.exists():
        make_ready(submission)
    assert flag_signs.SAME in [f.code for f in flag_signs.submission_flags(submission)]
    with pytest.raises(workflow.WorkflowError, match="penjelasan"):
        workflow.submission_submit(submission=submission, actor=operator, version=None)
    saved = workflow.submission_save(
        submission=submission,
        values={"flag_note": "Jumlah persalinan memang tetap; data dari laporan KIA."},
        actor=operator,
        version=submission.version,
    )
    workflow.submission_submit(submission=saved, actor=operator, version=saved.version)
    assert Submission.objects.get(pk=submission.pk).status == S.SUBMITTED


def test_the_same_file_in_another_region_is_no_sign_and_reveals_nothing(demo, other_region):
    from indicators.models import Agency, Assignment

    mine = make_submission(demo.period, "DINKES", "III.12.a")
    attach_evidence(mine, content=PDF + b"national template")
    theirs_period = Period.objects.create(
        region=other_region,
        framework=demo.period.framework,
        year=demo.period.year - 1,
        # The previous year's whole window: the demo's own may end in the next calendar year
        # (its deadline is counted from today), which moved back one year would end too early.
        opens_on=datetime.date(demo.period.year - 1, 1, 2),
        closes_on=datetime.date(demo.period.year - 1, 12, 31),
    )
    agency = Agency.objects.get(region=other_region, code="DP3AKB")
    Assignment.objects.create(agency=agency, item=mine.item)
    theirs = make_submission(theirs_period, "DP3AKB", "III.12.a")
    attach_evidence(theirs, content=PDF + b"national template")
    assert flag_signs.REUSED not in [f.code for f in flag_signs.submission_flags(mine)]


def test_a_value_that_moved_more_than_the_threshold_is_flagged(demo, settings):
    settings.KLA_FLAG_PERCENT_POINTS = 20
    previous_period = Period.objects.get(region=demo.region, year=demo.period.year - 1)
    make_submission(previous_period, "DINKES", "III.12.a", numerator=60, denominator=100)
    moved = make_submission(demo.period, "DINKES", "III.12.a", numerator=85, denominator=100)
    moved.period = demo.period
    assert [f.code for f in flag_signs.submission_flags(moved)] == [flag_signs.MOVED]
    moved.numerator = 75
    assert flag_signs.submission_flags(moved) == []


def test_a_file_identical_to_one_on_another_item_is_flagged(demo):
    first = make_submission(demo.period, "DINKES", "III.12.a")
    second = make_submission(demo.period, "DINKES", "III.14.a")
    attach_evidence(first, content=PDF + b"same scan")
    attach_evidence(second, content=PDF + b"same scan")
    for submission in (first, second):
        assert flag_signs.REUSED in [f.code for f in flag_signs.submission_flags(submission)]
    other = make_submission(demo.period, "DINKES", "III.13.a")
    attach_evidence(other, content=PDF + b"another scan")
    assert flag_signs.submission_flags(other) == []


def test_a_document_dated_before_the_allowed_window_is_flagged(demo):
    submission = make_submission(demo.period, "DINKES", "III.12.a")
    attach_document(submission, "data", dated=demo.period.reference_on.replace(year=2000))
    codes = [f.code for f in flag_signs.submission_flags(submission)]
    assert codes == [flag_signs.OLD]
    assert submission_readiness(submission).too_old == ["data"]


def test_an_upload_meets_the_requirement_it_names_with_its_dates(draft, operator):
    requirement = EvidenceRequirement.objects.get(item=draft.item, code="data")
    evidence = documents.document_add(
        submission=draft,
        upload=upload(PDF, "laporan-kia.pdf"),
        actor=operator,
        requirement=requirement,
        document_date=timezone.localdate() - datetime.timedelta(days=10),
        number="440/123/DINKES",
    )
    evidence.refresh_from_db()
    assert (evidence.requirement, evidence.document_number) == (requirement, "440/123/DINKES")
    assert submission_readiness(draft).ready


@pytest.mark.parametrize(
    ("code", "dated", "until", "message"),
    [
        ("other-item", -10, None, "bukan dokumen yang diminta"),
        ("data", None, None, "Isi tanggal dokumen"),
        ("data", 5, None, "setelah hari ini"),
        ("data", -10, -20, "sebelum tanggal dokumen"),
    ],
)
def test_an_upload_with_details_that_cannot_be_right_is_refused(
    draft, operator, code, dated, until, message
):
    today = timezone.localdate()
    requirement = (
        EvidenceRequirement.objects.exclude(item=draft.item).first()
        if code == "other-item"
        else EvidenceRequirement.objects.get(item=draft.item, code=code)
    )
    with pytest.raises(documents.DocumentRejected, match=message):
        documents.document_add(
            submission=draft,
            upload=upload(PDF, "x.pdf"),
            actor=operator,
            requirement=requirement,
            document_date=None if dated is None else today + datetime.timedelta(days=dated),
            valid_until=None if until is None else today + datetime.timedelta(days=until),
        )
    assert not draft.evidence.exists()


def test_a_stored_file_is_completed_into_the_document_it_is(draft, operator):
    evidence = attach_evidence(draft)
    assert submission_readiness(draft).missing == ["data"]
    documents.document_describe(
        evidence=evidence,
        actor=operator,
        requirement=EvidenceRequirement.objects.get(item=draft.item, code="data"),
        document_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    assert submission_readiness(draft).ready

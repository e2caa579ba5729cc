"""Limits on what one submission, one agency and one review note may hold."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clusters.models import Item
from indicators.models import Agency, Evidence, Submission
from indicators.seeding.demo import demo_pdf
from indicators.selectors.workspace import submission_for
from indicators.services import workflow
from indicators.services.evidence import evidence_add
from indicators.uploads import EvidenceRejected


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def pdf(size: int, name: str = "bukti.pdf") -> SimpleUploadedFile:
    body = demo_pdf(name)
    return SimpleUploadedFile(name, body + b"%" * (size - len(body)))


def draft_of(agency_code: str, item_code: str, demo, operator) -> Submission:
    agency = Agency.objects.get(code=agency_code)
    item = Item.objects.get(code=item_code)
    draft = submission_for(agency=agency, item=item, period=demo.period)
    return workflow.submission_save(
        submission=draft, values={"narrative": "draf"}, actor=operator, version=None
    )


def test_a_submission_takes_no_more_files_than_the_setting_allows(demo, operator, media, settings):
    settings.EVIDENCE_MAX_FILES_PER_SUBMISSION = 2
    submission = draft_of("DINKES", "III.13.a", demo, operator)
    for n in range(2):
        evidence_add(submission=submission, upload=pdf(2000, f"{n}.pdf"), actor=operator)
    with pytest.raises(EvidenceRejected, match="batasnya 2 berkas per isian") as refused:
        evidence_add(submission=submission, upload=pdf(2000), actor=operator)
    assert "gabungkan" in str(refused.value)  # says what to do
    assert Evidence.objects.filter(submission=submission).count() == 2


def test_an_agency_uploads_no_more_bytes_in_a_period_than_the_setting_allows(
    demo, operator, media, settings
):
    settings.EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD = 5000
    first = draft_of("DINKES", "III.13.a", demo, operator)
    second = draft_of("DINKES", "III.12.a", demo, operator)
    evidence_add(submission=first, upload=pdf(3000), actor=operator)
    # Another item of the same agency: the quota is the agency's, across its items.
    with pytest.raises(EvidenceRejected, match="sudah terpakai 0,0 MB") as refused:
        evidence_add(submission=second, upload=pdf(2001), actor=operator)
    assert "hubungi admin DP3AKB" in str(refused.value)
    evidence_add(submission=second, upload=pdf(2000), actor=operator)  # exactly the quota
    assert Evidence.objects.count() == 2


def test_another_agency_has_a_quota_of_its_own(demo, operator, media, settings):
    settings.EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD = 5000
    evidence_add(
        submission=draft_of("DINKES", "III.13.a", demo, operator), upload=pdf(4000), actor=operator
    )
    other = draft_of("DISDIK", "IV.19.a", demo, operator)
    evidence_add(submission=other, upload=pdf(4000), actor=operator)
    assert Evidence.objects.count() == 2


def test_the_item_page_shows_the_quota_message_and_keeps_nothing(
    client, demo, operator, media, settings
):
    settings.EVIDENCE_MAX_FILES_PER_SUBMISSION = 1
    submission = draft_of("DINKES", "III.13.a", demo, operator)
    evidence_add(submission=submission, upload=pdf(2000), actor=operator)
    client.force_login(operator)
    data = {
        "numerator": "1",
        "denominator": "2",
        "intent": "save",
        "version": str(Submission.objects.get(pk=submission.pk).version),
        "file": pdf(2000, "kedua.pdf"),
    }
    response = client.post("/items/III.13.a/?agency=DINKES", data)
    assert response.status_code == 400
    assert "batasnya 1 berkas per isian" in response.content.decode()
    assert Evidence.objects.count() == 1
    assert Submission.objects.get(pk=submission.pk).numerator is None  # nothing half-saved


@pytest.fixture
def submitted(demo, operator):
    submission = draft_of("DINKES", "III.14.b", demo, operator)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    return Submission.objects.get(pk=submission.pk)


def test_a_review_note_longer_than_a_narrative_is_refused_by_the_service(submitted, verifier):
    with pytest.raises(workflow.WorkflowError, match="paling banyak 5000 karakter"):
        workflow.submission_return(
            submission_id=submitted.pk, actor=verifier, note="a" * 5001, version=None
        )
    workflow.submission_return(
        submission_id=submitted.pk, actor=verifier, note="a" * 5000, version=None
    )
    assert Submission.objects.get(pk=submitted.pk).status == Submission.Status.RETURNED


def test_the_admin_note_form_refuses_a_note_past_the_limit(client, submitted, verifier):
    client.force_login(verifier)
    data = {
        "action": "return_selected",
        "_selected_action": [str(submitted.pk)],
        f"version-{submitted.pk}": str(submitted.version),
        "note": "a" * 5001,
        "apply": "1",
    }
    response = client.post("/admin/indicators/submission/", data)
    assert response.status_code == 200
    assert "5000" in response.content.decode()  # the form's error names the limit
    assert Submission.objects.get(pk=submitted.pk).status == Submission.Status.SUBMITTED


def test_the_review_button_refuses_a_note_past_the_limit(client, submitted, verifier):
    client.force_login(verifier)
    url = f"/admin/indicators/submission/{submitted.pk}/review/"
    data = {"review": "return", "note": "a" * 5001, "version": str(submitted.version)}
    page = client.post(url, data, follow=True).content.decode()
    assert "paling banyak 5000 karakter" in page
    assert Submission.objects.get(pk=submitted.pk).status == Submission.Status.SUBMITTED

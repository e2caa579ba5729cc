"""Nothing lost: protected deletes, and evidence files leave storage only with their submission."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from clusters.models import Item
from indicators.models import Agency, Evidence, Period, Submission, evidence_storage
from indicators.services import workflow
from indicators.services.importing import values_import


def test_deleting_an_agency_item_or_period_with_submissions_is_refused(demo_with_values):
    period = demo_with_values.period
    submission = Submission.objects.filter(period=period).select_related("agency", "item").first()
    for record in (submission.agency, submission.item, period):
        with pytest.raises(ProtectedError):
            record.delete()
    assert Submission.objects.filter(pk=submission.pk).exists()


@pytest.mark.parametrize("model", ["agency", "item", "period"])
def test_admin_delete_page_says_it_cannot_delete(client, superuser, demo_with_values, model):
    submission = Submission.objects.filter(period=demo_with_values.period).first()
    record = getattr(submission, model)
    app = "clusters" if model == "item" else "indicators"
    url = f"/admin/{app}/{model}/{record.pk}/delete/"
    superuser.refresh_from_db()  # demo_with_values set the password again after the fixture
    client.force_login(superuser)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["protected"], "the admin should list the protected submissions"
    assert "Tidak dapat menghapus" in page.content.decode()
    client.post(url, {"post": "yes"})
    assert type(record).objects.filter(pk=record.pk).exists()
    assert Submission.objects.filter(pk=submission.pk).exists()


def files_of(submission):
    return [e.file.name for e in Evidence.objects.filter(submission=submission)]


@pytest.fixture
def with_files(demo_with_values):
    """Two submissions of the open period that have evidence files in storage."""
    submissions = list(
        Submission.objects.filter(period=demo_with_values.period, evidence__isnull=False)
        .distinct()
        .order_by("pk")[:2]
    )
    storage = evidence_storage()
    for submission in submissions:
        assert files_of(submission) and all(storage.exists(n) for n in files_of(submission))
    return submissions


def test_deleting_a_submission_removes_its_files_and_no_others(
    with_files, superuser, django_capture_on_commit_callbacks
):
    doomed, kept = with_files
    names = files_of(doomed)
    with django_capture_on_commit_callbacks(execute=True):
        removed = workflow.submission_delete(submission_id=doomed.pk, actor=superuser)
    assert sorted(removed) == sorted(names)
    storage = evidence_storage()
    assert not any(storage.exists(n) for n in names)
    assert not Evidence.objects.filter(file__in=names).exists()
    assert all(storage.exists(n) for n in files_of(kept))


def test_a_rolled_back_delete_keeps_the_files(
    with_files, superuser, django_capture_on_commit_callbacks
):
    doomed = with_files[0]
    names = files_of(doomed)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.submission_delete(submission_id=doomed.pk, actor=superuser)
        raise RuntimeError("the admin action failed after the delete")
    assert files_of(doomed) == names
    assert all(evidence_storage().exists(n) for n in names)


def test_a_locked_period_refuses_the_delete(with_files, superuser):
    doomed = with_files[0]
    Period.objects.filter(pk=doomed.period_id).update(locked=True)
    with pytest.raises(workflow.WorkflowError, match="terkunci"):
        workflow.submission_delete(submission_id=doomed.pk, actor=superuser)
    assert all(evidence_storage().exists(n) for n in files_of(doomed))


def test_reviews_imports_and_other_deletes_never_remove_files(
    with_files, operator, verifier, django_capture_on_commit_callbacks
):
    names = [n for s in with_files for n in files_of(s)]
    storage = evidence_storage()
    with django_capture_on_commit_callbacks(execute=True):
        for submission in with_files:
            submission.refresh_from_db()
            if submission.status == "approved":
                workflow.submission_reopen(submission_id=submission.pk, actor=verifier, note="x")
            elif submission.status == "submitted":
                workflow.submission_return(submission_id=submission.pk, actor=verifier, note="x")
        # An import replacing the same answers keeps the evidence that backs them.
        rows = "agency,item,numerator,denominator,value,note\n"
        for submission in with_files:
            item = submission.item
            cells = {
                Item.Kind.CHECK: ",,ya",
                Item.Kind.PERCENT: "1,2,",
                Item.Kind.COUNT: ",,3",
            }[item.kind]
            rows += f"{submission.agency.code},{item.code},{cells},diimpor\n"
        values_import(
            content=rows.encode(),
            filename="v.csv",
            period=with_files[0].period,
            status="submitted",
        )
        # A plain ORM delete (no service) leaves the files for an operator to reconcile.
        Evidence.objects.filter(submission=with_files[1]).delete()
    assert all(storage.exists(n) for n in names)


def test_agency_delete_is_refused_before_any_evidence_is_touched(with_files):
    agency = Agency.objects.get(pk=with_files[0].agency_id)
    with pytest.raises(ProtectedError):
        agency.delete()
    assert all(evidence_storage().exists(n) for n in files_of(with_files[0]))


def test_admin_delete_of_a_submission_removes_its_files_after_commit(
    client, with_files, superuser, django_capture_on_commit_callbacks
):
    doomed, kept = with_files
    names = files_of(doomed)
    client.force_login(superuser)
    url = reverse("admin:indicators_submission_delete", args=[doomed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Submission.objects.filter(pk=doomed.pk).exists()
    storage = evidence_storage()
    assert not any(storage.exists(n) for n in names)
    assert all(storage.exists(n) for n in files_of(kept))

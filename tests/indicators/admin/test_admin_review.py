"""DP3AKB reviews submissions in the admin: scoping, actions, versions, detail and index."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import (
    Assignment,
    Evidence,
    Period,
    ReviewEvent,
    Submission,
)
from indicators.services import review
from tests.conftest import PNG, attach, make_ready, make_submission

CHANGELIST = "/admin/indicators/submission/"


def post_action(client, action, submissions, versions=None, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in submissions], **extra}
    for s in submissions:
        data[f"version-{s.pk}"] = (versions or {}).get(s.pk, s.version)
    return client.post(CHANGELIST, data, follow=True)


@pytest.fixture
def submitted(demo):
    return make_submission(demo.period, "DINKES", "III.12.a")


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


# ---- who may reach the review admin ----------------------------------------------------------


def test_operator_and_gugus_tugas_cannot_reach_the_review_admin(client, operator, gugus_tugas):
    for user in (operator, gugus_tugas):
        client.force_login(user)
        response = client.get(CHANGELIST)
        assert response.status_code == 302 and "/login/" in response.url


def test_staff_operator_without_review_permission_is_refused(client, operator, submitted):
    operator.is_staff = True
    operator.save()
    client.force_login(operator)
    assert client.get(CHANGELIST).status_code == 403


def test_verifier_of_another_region_sees_nothing(client, submitted, other_region):
    from django.contrib.auth import get_user_model

    evidence = attach(submitted)
    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert page.context["cl"].result_count == 0
    assert "Kota Balikpapan" not in page.content.decode()  # not even as a filter choice
    assert "DINKES" not in page.content.decode()
    change = client.get(reverse("admin:indicators_submission_change", args=[submitted.pk]))
    assert change.status_code == 302  # the admin's "does not exist" redirect
    download = reverse("indicators:evidence-download", args=[evidence.pk])
    assert client.get(download).status_code == 404
    for model in ("evidence", "reviewevent", "agency", "period", "officialresult", "region"):
        listing = client.get(f"/admin/indicators/{model}/")
        assert "Balikpapan" not in listing.content.decode(), model
    review = reverse("admin:indicators_submission_review", args=[submitted.pk])
    assert client.post(review, {"review": "approve", "version": 1}).status_code == 403
    assert Submission.objects.get(pk=submitted.pk).status == "submitted"


# ---- the changelist --------------------------------------------------------------------------


def test_changelist_shows_answer_evidence_count_and_version(verifier_client, submitted):
    attach(submitted)
    attach(submitted, "dua.png")
    page = verifier_client.get(CHANGELIST).content.decode()
    assert "90 / 100 (90,00%)" in page
    assert f'name="version-{submitted.pk}" value="{submitted.version}"' in page
    row = verifier_client.get(CHANGELIST).context["cl"].result_list[0]
    assert row.evidence_count == 2


def test_filters_narrow_the_changelist(verifier_client, demo):
    with_file = make_submission(demo.period, "DINKES", "III.12.a")
    attach(with_file)
    without = make_submission(demo.period, "DISDIK", "IV.19.a")
    draft = make_submission(demo.period, "DLH", "II.11.a", status="draft")

    def shown(query):
        return {s.pk for s in verifier_client.get(CHANGELIST + query).context["cl"].result_list}

    assert shown("?evidence=missing") == {without.pk, draft.pk}
    assert shown("?status__exact=draft") == {draft.pk}
    assert shown("?agency=DISDIK") == {without.pk}
    assert shown("?cluster=IV") == {without.pk}
    assert shown("?indicator=III.12") == {with_file.pk}
    assert shown(f"?year={demo.period.year}&region=balikpapan") == {
        with_file.pk,
        without.pk,
        draft.pk,
    }
    assert shown("?q=IV.19") == {without.pk}


def test_changelist_lists_waiting_submissions_first(verifier_client, demo):
    approved = make_submission(demo.period, "DINKES", "III.12.a", status="approved")
    waiting = make_submission(demo.period, "DISDIK", "IV.19.a")
    rows = list(verifier_client.get(CHANGELIST).context["cl"].result_list)
    assert [r.pk for r in rows] == [waiting.pk, approved.pk]


def test_changelist_query_count_does_not_grow_with_data(verifier_client, demo):
    assignments = list(
        Assignment.objects.filter(agency__region=demo.region).select_related("agency", "item")
    )

    def add(rows):
        for a in rows:
            s = make_submission(demo.period, a.agency.code, a.item.code)
            Evidence.objects.create(
                submission=s,
                file="evidence/x.pdf",
                original_name="x.pdf",
                kind="document",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
            )
            ReviewEvent.objects.create(
                submission=s, action="submitted", from_status="draft", to_status="submitted"
            )

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert verifier_client.get(CHANGELIST).status_code == 200
        return len(context.captured_queries)

    add(assignments[:3])
    few = queries()
    add(assignments[3:60])
    assert queries() == few


# ---- actions ---------------------------------------------------------------------------------


def test_approve_action_approves_and_records_an_event(verifier_client, verifier, demo, submitted):
    make_ready(submitted)
    other = make_ready(make_submission(demo.period, "DISDIK", "IV.19.a"))
    response = post_action(verifier_client, "approve_selected", [submitted, other])
    assert "2 isian disetujui." in response.content.decode()
    for s in (submitted, other):
        s.refresh_from_db()
        assert (s.status, s.version) == ("approved", 2)
        event = ReviewEvent.objects.get(submission=s)
        assert (event.action, event.actor) == ("approved", verifier)


def test_approve_skips_changed_draft_and_locked_submissions_and_says_why(
    verifier_client, demo, submitted
):
    make_ready(submitted)
    changed = make_submission(demo.period, "DISDIK", "IV.19.a")
    draft = make_submission(demo.period, "DLH", "II.11.a", status="draft")
    previous = Period.objects.get(region=demo.region, locked=True)
    locked = make_submission(previous, "DINKES", "III.12.a")
    Submission.objects.filter(pk=changed.pk).update(version=5)  # an operator saved meanwhile
    response = post_action(verifier_client, "approve_selected", [submitted, changed, draft, locked])
    text = response.content.decode()
    assert "1 isian disetujui." in text and "3 dilewati" in text
    assert "diubah orang lain sejak halaman dimuat" in text
    assert "Draf tidak dapat disetujui" in text
    assert "terkunci" in text
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert statuses[submitted.pk] == "approved"
    assert [statuses[s.pk] for s in (changed, draft, locked)] == ["submitted", "draft", "submitted"]


def test_a_row_without_the_seen_version_is_never_approved(verifier_client, submitted):
    response = verifier_client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [submitted.pk]}, follow=True
    )
    assert "versi yang dilihat tidak diketahui" in response.content.decode()
    assert Submission.objects.get(pk=submitted.pk).status == "submitted"


def test_return_action_asks_for_a_note_then_returns(verifier_client, submitted):
    first = post_action(verifier_client, "return_selected", [submitted])
    assert b'name="note"' in first.content and first.redirect_chain == []
    empty = post_action(verifier_client, "return_selected", [submitted], apply="1", note=" ")
    assert b"errorlist" in empty.content
    assert Submission.objects.get(pk=submitted.pk).status == "submitted"
    done = post_action(
        verifier_client, "return_selected", [submitted], apply="1", note="Lampirkan SK"
    )
    assert "1 isian dikembalikan." in done.content.decode()
    event = ReviewEvent.objects.get(submission=submitted)
    assert (event.action, event.note, event.submission.status) == (
        "returned",
        "Lampirkan SK",
        "returned",
    )


def test_reopen_action_takes_back_an_approval_with_a_note(verifier_client, demo):
    approved = make_submission(demo.period, "DINKES", "III.12.a", status="approved")
    done = post_action(
        verifier_client, "reopen_selected", [approved], apply="1", note="Angka salah"
    )
    assert "1 isian dibuka kembali." in done.content.decode()
    approved.refresh_from_db()
    assert approved.status == "returned"
    assert ReviewEvent.objects.get(submission=approved).action == "reopened"


# ---- the change page -------------------------------------------------------------------------


def test_change_page_shows_answer_value_evidence_history_and_buttons(verifier_client, submitted):
    evidence = attach(submitted)
    pdf = attach(submitted, "sk.pdf", b"%PDF-1.4 x", "application/pdf")
    ReviewEvent.objects.create(
        submission=submitted,
        action="returned",
        from_status="submitted",
        to_status="returned",
        note="Catatan lama",
    )
    submitted.narrative = "Cakupan imunisasi"
    submitted.save()
    page = verifier_client.get(
        reverse("admin:indicators_submission_change", args=[submitted.pk])
    ).content.decode()
    assert "90 / 100 (90,00%)" in page and "90,00%" in page and "Cakupan imunisasi" in page
    image_url = reverse("indicators:evidence-download", args=[evidence.pk])
    assert f'<img class="kla-preview" src="{image_url}"' in page
    pdf_url = reverse("indicators:evidence-download", args=[pdf.pk])
    assert f'href="{pdf_url}" download' in page and f'src="{pdf_url}"' not in page
    assert "Catatan lama" in page
    assert 'value="approve"' in page and 'value="return"' in page
    assert f'name="version" value="{submitted.version}"' in page
    assert "history/" in page  # simple_history's audit history button
    assert 'name="_save"' not in page  # the admin reviews, it never edits answers


def test_review_button_approves_at_the_seen_version_only(verifier_client, submitted):
    make_ready(submitted)
    url = reverse("admin:indicators_submission_review", args=[submitted.pk])
    Submission.objects.filter(pk=submitted.pk).update(version=2)
    stale = verifier_client.post(url, {"review": "approve", "version": 1}, follow=True)
    assert "diubah orang lain" in stale.content.decode()
    assert Submission.objects.get(pk=submitted.pk).status == "submitted"
    verifier_client.post(url, {"review": "approve", "version": 2})
    assert Submission.objects.get(pk=submitted.pk).status == "approved"


def test_return_button_needs_a_note(verifier_client, submitted):
    url = reverse("admin:indicators_submission_review", args=[submitted.pk])
    refused = verifier_client.post(url, {"review": "return", "version": 1, "note": ""}, follow=True)
    assert "Catatan wajib" in refused.content.decode()
    verifier_client.post(url, {"review": "return", "version": 1, "note": "Perbaiki penyebut"})
    assert Submission.objects.get(pk=submitted.pk).status == "returned"


def test_evidence_download_is_an_attachment_with_nosniff(verifier_client, submitted):
    evidence = attach(submitted)
    response = verifier_client.get(reverse("indicators:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"  # previews: own pages only
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


# ---- the index -------------------------------------------------------------------------------


def test_index_shows_the_region_queue_with_scores_and_links(demo_with_values, verifier_client):
    period = demo_with_values.period
    page = verifier_client.get("/admin/")
    queue = page.context["review_queues"][0]
    assert queue.period == period
    waiting = Submission.objects.filter(period=period, status="submitted").count()
    assert queue.waiting == waiting and waiting > 0
    from indicators.selectors.scores import period_score

    assert queue.verified.total == period_score(period, "verified").total
    text = page.content.decode()
    # The counts open the verifier's review queue on the same region and year.
    assert f'/admin/review/?region=balikpapan&amp;year={period.year}">{waiting}</a>' in text
    assert str(queue.verified.total).replace(".", ",") in text  # Indonesian decimals


def test_index_shows_no_queue_to_a_verifier_of_another_region(
    client, demo_with_values, other_region
):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    page = client.get("/admin/")
    assert page.context["review_queues"] == []
    assert "Balikpapan" not in page.content.decode()


# ---- races -----------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_exactly_one_wins(framework):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from django.contrib.auth import get_user_model

    from indicators.seeding.demo import demo_seed
    from tests.conftest import PASSWORD

    report = demo_seed(framework=framework, with_values=False, password=PASSWORD)
    submission = make_submission(report.period, "DINKES", "III.12.a")
    verifier = get_user_model().objects.get(username="verifikator")
    barrier, outcomes = threading.Barrier(2), {}

    def act(action):
        try:
            barrier.wait()
            outcomes[action] = review.review_many(
                action=action,
                versions={submission.pk: submission.version},
                actor=verifier,
                note="Perbaiki",
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(a,)) for a in ("approve", "return")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.done for o in outcomes.values()) == [0, 1]
    assert ReviewEvent.objects.filter(submission=submission).count() == 1
    winner = next(a for a, o in outcomes.items() if o.done)
    assert (
        Submission.objects.get(pk=submission.pk).status
        == {
            "approve": "approved",
            "return": "returned",
        }[winner]
    )

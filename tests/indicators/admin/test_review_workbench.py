"""The verifier's workbench: the review queue (admin/review/) and the review page
(admin/review/<pk>/): scope, filters, counts, bulk actions at seen versions, the page's facts,
decisions with their errors at the note, and "next" with the filters kept."""

import datetime

import pytest
from django.urls import reverse

from clusters.models import Item
from indicators.models import Period, ReviewEvent, Submission
from indicators.selectors.review_queue import QueueFilters
from indicators.services import workflow
from tests.conftest import PASSWORD, PNG, attach, attach_document, make_ready, make_submission

QUEUE = "/admin/review/"


def page_url(submission, query=""):
    return reverse("admin:review_page", args=[submission.pk]) + (f"?{query}" if query else "")


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


@pytest.fixture
def previous_period(demo):
    return Period.objects.get(region=demo.period.region, year=demo.period.year - 1)


# ---- the queue -----------------------------------------------------------------------------


def test_the_queue_shows_the_open_period_waiting_rows_with_year_name_and_answer(
    verifier_client, demo
):
    waiting = make_submission(demo.period, "DINKES", "III.13.a", numerator=217, denominator=1000)
    make_submission(demo.period, "DINKES", "III.12.a", status="approved")
    response = verifier_client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-id="{waiting.pk}"' in html
    assert "Prevalensi stunting balita" in html
    assert "217 / 1.000 (21,70%)" in html
    assert f'<span class="kla-year">{demo.period.year}</span>' in html
    page = response.context["page"]
    assert [r.submission.pk for r in page.rows] == [waiting.pk]  # waiting only, by default
    assert page.counts["submitted"] == 1 and page.counts["approved"] == 1
    # No navigation sidebar, no app list on the workbench.
    assert 'id="nav-sidebar"' not in html


def test_counts_are_links_that_keep_the_other_filters(verifier_client, demo):
    make_submission(demo.period, "DINKES", "III.13.a", status="returned")
    response = verifier_client.get(QUEUE + "?cluster=III")
    statuses = {s: url for s, _label, _n, url in response.context["statuses"]}
    assert statuses["returned"] == QUEUE + "?cluster=III&status=returned"
    rows = verifier_client.get(statuses["returned"]).context["page"].rows
    assert [r.submission.status for r in rows] == ["returned"]


def test_filters_by_cluster_indicator_agency_and_readiness(verifier_client, demo):
    stunting = make_submission(demo.period, "DINKES", "III.13.a")
    other = make_submission(demo.period, "DISDIK", "IV.19.a")
    make_ready(other)

    def ids(query):
        return [r.submission.pk for r in verifier_client.get(QUEUE + query).context["page"].rows]

    assert ids("?cluster=III") == [stunting.pk]
    assert ids("?indicator=III.13") == [stunting.pk]
    assert ids("?agency=DISDIK") == [other.pk]
    assert ids("?readiness=ready") == [other.pk]
    assert ids("?readiness=not_ready") == [stunting.pk]


def test_hostile_filter_values_read_as_no_filter(verifier_client, demo):
    make_submission(demo.period, "DINKES", "III.13.a")
    for query in ("?year=abc", "?status=%27%20OR%201=1", "?page=-1", "?cluster=" + "x" * 500):
        response = verifier_client.get(QUEUE + query)
        assert response.status_code == 200, query
        # Read as no filter: the same rendering as the plain queue (from the content cache).
        assert response.content.decode().count("<tr data-id=") == 1, query


def test_what_changed_since_the_last_review(verifier_client, demo, verifier, operator):
    submission = make_submission(demo.period, "DINKES", "III.13.a", numerator=30, denominator=100)
    workflow.submission_return(
        submission_id=submission.pk, actor=verifier, note="Periksa", version=submission.version
    )
    submission.refresh_from_db()
    workflow.submission_save(
        submission=submission,
        values={"numerator": 25, "narrative": "Diperbaiki"},
        actor=operator,
        version=submission.version,
    )
    attach(submission)
    Submission.objects.filter(pk=submission.pk).update(status="submitted")
    row = verifier_client.get(QUEUE).context["page"].rows[0]
    assert row.first_review is False
    assert row.changes == [
        "nilai: 30 / 100 (30,00%) → 25 / 100 (25,00%)",
        "keterangan diubah",
        "1 berkas baru",
    ]


def test_waiting_time_and_overdue(verifier_client, demo):
    submission = make_submission(demo.period, "DINKES", "III.13.a")
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=7)
    )
    row = verifier_client.get(QUEUE).context["page"].rows[0]
    assert row.waiting_days == 7 and row.overdue


def test_bulk_approve_uses_the_versions_seen_and_keeps_the_filters(verifier_client, demo):
    fresh = make_ready(make_submission(demo.period, "DINKES", "III.13.a"))
    stale = make_ready(make_submission(demo.period, "DISDIK", "IV.19.a"))
    data = {
        "review": "approve",
        "ids": [fresh.pk, stale.pk],
        f"version-{fresh.pk}": fresh.version,
        f"version-{stale.pk}": stale.version - 1 + 1000,
    }
    response = verifier_client.post(QUEUE + "?cluster=III&agency=DINKES", data)
    assert response.status_code == 302
    assert response.url == QUEUE + "?cluster=III&agency=DINKES"
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.status == "approved" and stale.status == "submitted"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("diubah orang lain sejak halaman dimuat" in m for m in messages)


def test_bulk_return_needs_a_note(verifier_client, demo):
    submission = make_submission(demo.period, "DINKES", "III.13.a")
    data = {"review": "return", "ids": [submission.pk], f"version-{submission.pk}": 1}
    verifier_client.post(QUEUE, data)
    submission.refresh_from_db()
    assert submission.status == "submitted"
    verifier_client.post(QUEUE, {**data, "note": "Lampirkan SK terbaru"})
    submission.refresh_from_db()
    assert submission.status == "returned"
    assert submission.events.get(action="returned").note == "Lampirkan SK terbaru"


def test_bulk_never_touches_another_region(client, demo, other_region):
    from django.contrib.auth import get_user_model

    submission = make_submission(demo.period, "DINKES", "III.13.a")
    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    Period.objects.create(
        region=other_region, year=demo.period.year, framework=demo.period.framework,
        opens_on=demo.period.opens_on, closes_on=demo.period.closes_on,
    )  # fmt: skip
    data = {"review": "approve", "ids": [submission.pk], f"version-{submission.pk}": 1}
    assert client.post(QUEUE, data).status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted"
    assert client.get(QUEUE + "?region=balikpapan").status_code == 404
    assert client.get(page_url(submission)).status_code == 404


def test_operators_and_gugus_tugas_get_nothing(client, operator, gugus_tugas, demo):
    submission = make_submission(demo.period, "DINKES", "III.13.a")
    for user in (operator, gugus_tugas):
        client.force_login(user)
        for url in (QUEUE, page_url(submission)):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response.url


def test_verifiers_land_on_the_queue_after_login(client, verifier, demo):
    assert 'name="next" value="/admin/review/"' in client.get("/admin/login/").content.decode()
    response = client.post(
        "/admin/login/", {"username": "verifikator", "password": PASSWORD, "next": QUEUE}
    )
    assert response.status_code == 302 and response.url == QUEUE
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": "verifikator", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == QUEUE


# ---- the review page -----------------------------------------------------------------------


def test_the_page_shows_rule_direction_last_year_and_the_change(
    verifier_client, demo, previous_period
):
    make_submission(
        previous_period, "DINKES", "III.13.a", status="approved", numerator=25, denominator=100
    )
    submission = make_submission(demo.period, "DINKES", "III.13.a", numerator=20, denominator=100)
    response = verifier_client.get(page_url(submission))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.previous_answer == "25 / 100 (25,00%)"
    assert page.change == "−5,00 poin persen (membaik)"  # stunting: lower is better
    assert "Makin kecil makin baik." in page.rule
    html = response.content.decode()
    assert "Prevalensi stunting balita" in html and 'id="answer-before"' in html


def test_the_checklist_shows_each_file_with_a_preview(verifier_client, demo):
    submission = make_submission(demo.period, "DINKES", "III.13.a")
    pdf = attach_document(submission, "data")
    image = attach(submission, content=PNG)
    html = verifier_client.get(page_url(submission)).content.decode()
    download = reverse("indicators:evidence-download", args=[pdf.pk])
    assert f'data-pdf="{download}"' in html
    assert f'src="{reverse("indicators:evidence-download", args=[image.pk])}"' in html
    assert 'data-requirement="data"' in html and "terpenuhi" in html
    assert "vendor/pdfjs/pdf.min.mjs" in html


def test_approving_with_gaps_asks_for_the_reason_at_the_note(verifier_client, demo):
    submission = make_submission(demo.period, "DINKES", "III.13.a")
    response = verifier_client.get(page_url(submission))
    assert response.context["gaps"]
    data = {"review": "approve", "version": submission.version, "then": "stay"}
    response = verifier_client.post(page_url(submission), data)
    assert response.status_code == 400
    assert "Tulis alasan bila tetap disetujui" in response.context["errors"]["approve"]
    assert 'id="approve-error"' in response.content.decode()
    response = verifier_client.post(page_url(submission), {**data, "note": "Data resmi menyusul"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "approved" and submission.approved_with_gaps


def test_return_without_a_note_is_refused_at_the_note_and_keeps_nothing_changed(
    verifier_client, demo
):
    submission = make_submission(demo.period, "DINKES", "III.13.a")
    data = {"review": "return", "version": submission.version, "note": "  "}
    response = verifier_client.post(page_url(submission), data)
    assert response.status_code == 400
    assert "Catatan wajib diisi" in response.context["errors"]["return"]
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_approve_and_next_moves_to_the_next_waiting_item_with_the_filters(verifier_client, demo):
    first = make_ready(make_submission(demo.period, "DINKES", "III.13.a"))
    second = make_ready(make_submission(demo.period, "DINKES", "III.14.a"))
    make_ready(make_submission(demo.period, "DISDIK", "IV.19.a"))  # filtered out
    query = "cluster=III"
    data = {"review": "approve", "version": first.version, "then": "next"}
    response = verifier_client.post(page_url(first, query), data)
    assert response.status_code == 302 and response.url == page_url(second, query)
    response = verifier_client.post(page_url(second, query), {**data, "version": second.version})
    assert response.url == QUEUE + "?" + query  # nothing else waits under the filters


def test_a_stale_version_is_refused_as_a_conflict(verifier_client, demo):
    submission = make_ready(make_submission(demo.period, "DINKES", "III.13.a"))
    data = {"review": "approve", "version": submission.version + 1, "then": "stay"}
    response = verifier_client.post(page_url(submission), data)
    assert response.status_code == 400
    assert "diubah orang lain" in response.context["errors"]["approve"]


def test_separation_of_duties_is_said_before_anyone_clicks(client, demo):
    from django.contrib.auth import get_user_model

    submission = make_submission(demo.period, "DP3AKB", "K.1.a")
    client.force_login(get_user_model().objects.get(username="verifikator"))
    response = client.get(page_url(submission))
    assert response.context["refusal"] and 'id="approve-form"' not in response.content.decode()


def test_queue_filters_round_trip():
    filters = QueueFilters.from_query({"cluster": "III", "status": "all", "page": "3"})
    assert filters.query(page=filters.page) == "cluster=III&status=all&page=3"
    assert QueueFilters.from_query({"status": "submitted"}).query() == ""


def test_rule_text_of_each_rule(demo):
    from indicators.selectors.review_page import rule_text

    texts = {
        rule: rule_text(Item.objects.filter(rule=rule).first())
        for rule in ("check", "linear", "bands")
    }
    assert texts["check"].startswith("Ya mendapat nilai penuh")
    assert "Ambang bertingkat" in texts["bands"]
    assert ReviewEvent  # imported for the separation test's events


def test_the_queue_costs_the_same_queries_for_one_reviewed_row_or_many(
    verifier_client, demo, verifier
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def returned_and_resubmitted(code, agency="DINKES"):
        s = make_submission(demo.period, agency, code)
        workflow.submission_return(submission_id=s.pk, actor=verifier, note="x", version=s.version)
        attach(s)
        Submission.objects.filter(pk=s.pk).update(status="submitted")

    def count():
        verifier_client.get(QUEUE)
        with CaptureQueriesContext(connection) as queries:
            assert verifier_client.get(QUEUE).status_code == 200
        return len(queries)

    returned_and_resubmitted("III.13.a")
    one = count()
    for code in ("III.14.a", "III.12.a", "IV.19.a", "K.1.a"):
        returned_and_resubmitted(code, "DISDIK" if code.startswith("IV") else "DINKES")
    assert count() == one

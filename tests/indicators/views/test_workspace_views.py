"""The OPD workspace: home and item pages for each kind of visitor, input rules, conflicts."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Item
from indicators.models import Agency, Period, ReviewEvent, Submission
from indicators.seeding.demo import demo_pdf
from indicators.selectors.workspace import agency_items, submission_for
from indicators.services import workflow
from tests.conftest import make_ready, nothing_cached, upload

PERCENT, CHECK, COUNT = "III.13.a", "III.17.a", "III.14.b"


def item_url(code, agency="DINKES"):
    return f"/items/{code}/?agency={agency}"


@pytest.fixture
def dinkes(demo):
    return Agency.objects.get(code="DINKES")


def draft(demo, dinkes, operator, code=PERCENT, **values):
    submission = submission_for(agency=dinkes, item=Item.objects.get(code=code), period=demo.period)
    return workflow.submission_save(
        submission=submission, values=values or {}, actor=operator, version=None
    )


def post(client, code, data, files=None, agency="DINKES"):
    return client.post(item_url(code, agency), {**data, **(files or {})})


# ---- home ------------------------------------------------------------------------------------


def test_operator_home_lists_own_items_with_codes_and_counters(client, operator, demo):
    client.force_login(operator)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Isian Dinkes" in page
    for code in (PERCENT, CHECK, COUNT):
        assert code in page
    assert "IV.19.a" not in page  # a Disdik item
    assigned = Item.objects.filter(assignments__agency__code="DINKES").count()
    counts = response.context["workspace"].counts
    assert counts == {"to_fill": assigned, "submitted": 0, "returned": 0, "approved": 0}
    assert "hari lagi" in page
    assert "Pemberitahuan" in page


def test_home_shows_returned_note_and_missing_parts(client, operator, verifier, demo, dinkes):
    submission = draft(demo, dinkes, operator, numerator=5, denominator=10)
    upload_for(submission, operator)
    workflow.submission_submit(submission=submission, actor=operator, version=None)
    workflow.submission_return(submission_id=submission.pk, actor=verifier, note="Cek penyebut")
    draft(demo, dinkes, operator, code=CHECK, narrative="belum")
    client.force_login(operator)
    response = client.get("/")
    page = response.content.decode()
    assert "Cek penyebut" in page
    assert response.context["workspace"].counts["returned"] == 1
    rows = {
        row.item.code: row
        for cluster in response.context["workspace"].clusters
        for indicator in cluster.rows
        for row in indicator.rows
    }
    assert rows[CHECK].missing == ["nilai", "data dukung"]
    assert rows[PERCENT].return_note == "Cek penyebut"
    # The notification section tells the operator what DP3AKB decided.
    notices = response.context["notices"]
    assert [n.action for n in notices] == [ReviewEvent.Action.RETURNED]


def test_member_of_two_agencies_switches_between_them(client, operator, demo):
    Agency.objects.get(code="BAGHUKUM").members.add(operator)
    client.force_login(operator)
    assert "Isian Bagian Hukum" in client.get("/?agency=baghukum").content.decode()
    assert "Isian Dinkes" in client.get("/?agency=DINKES").content.decode()


def test_operator_cannot_switch_to_another_agency(client, operator, demo):
    client.force_login(operator)
    assert client.get("/?agency=DISDIK").status_code == 404


def test_other_operator_home_shows_only_their_items(client, other_operator, demo):
    client.force_login(other_operator)
    page = client.get("/").content.decode()
    assert "IV.19.a" in page and PERCENT not in page


def test_verifier_home_is_a_landing_page_with_admin_link(client, verifier, demo):
    client.force_login(verifier)
    response = client.get("/")
    assert response.status_code == 200
    assert "/admin/" in response.content.decode()
    assert "workspace" not in response.context


def test_anonymous_home_redirects_to_login(client, demo):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_home_query_count_does_not_grow_with_data(client, operator, demo, dinkes, verifier):
    def answer(item):
        values = (
            {"answer_yes": True}
            if item.kind == "check"
            else {"count": 3}
            if item.kind == "count"
            else {"numerator": 1, "denominator": 2}
        )
        submission = draft(demo, dinkes, operator, code=item.code, **values)
        upload_for(submission, operator)
        workflow.submission_submit(submission=submission, actor=operator, version=None)
        workflow.submission_return(submission_id=submission.pk, actor=verifier, note="x")

    items = agency_items(dinkes, demo.period)
    # One answer first: an agency with answers also reads the feeds rules (cached per edit of
    # the reference data), which a count with nothing cached shows.
    answer(items[0])
    client.force_login(operator)
    client.get("/")
    nothing_cached()
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for item in items[1:6]:
        answer(item)
    nothing_cached()
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    # 12 since issue 14: does the agency supply the register, and its certificates ending soon;
    # 20 with nothing cached (issue 19): the scores, the framework and the feeds rules read;
    # 21 since issue 16: the verifiers' findings waiting on the agencies, read on every visit.
    assert len(many) == len(few) <= 21


# ---- item page: the four visitors ------------------------------------------------------------


def test_operator_sees_item_page_with_question_and_form(client, operator, demo):
    client.force_login(operator)
    response = client.get(item_url(PERCENT))
    page = response.content.decode()
    assert response.status_code == 200
    assert Item.objects.get(code=PERCENT).name in page
    assert 'name="numerator"' in page and 'name="denominator"' in page
    assert "<title>III.13.a · Isian Dinkes" in page


def test_other_operator_gets_404_on_dinkes_item(client, other_operator, demo):
    client.force_login(other_operator)
    assert client.get(item_url(PERCENT)).status_code == 404
    assert client.get(item_url(PERCENT, agency="DISDIK")).status_code == 404  # not assigned
    assert client.post(item_url(PERCENT), {"intent": "save"}).status_code == 404


def test_spellings_of_one_item_share_one_cached_access_and_refusals_are_not_kept(
    client, operator, demo
):
    """The item's access check is cached under the spelling the lookup matches (any case), so a
    visitor cannot fill the cache with spellings of one item; a 404 is never kept."""
    from django.core.cache import cache

    from kla_portal import versioned_cache

    client.force_login(operator)
    assert client.get(item_url(PERCENT)).status_code == 200
    keys = set(cache._cache)  # the test settings' local-memory cache
    assert client.get(item_url(PERCENT.lower(), "dinkes")).status_code == 200
    assert client.get(item_url("III.99.z")).status_code == 404
    assert set(cache._cache) == keys  # the same shared entries, none added
    entries = [k for k in versioned_cache._copies if k.startswith("access:item:")]
    assert len(entries) == 1


def test_a_spelling_only_python_folds_to_an_item_is_looked_up_in_the_database(
    client, operator, demo
):
    """ "ı" (dotless i) is "I" to Python's upper() but not to every database: such a spelling
    must get what the database says, never the cached entry of the item it folds to."""
    from clusters.models import Item
    from kla_portal import versioned_cache

    client.force_login(operator)
    assert client.get(item_url(PERCENT)).status_code == 200  # its access now cached
    folded = PERCENT.replace("I", "ı")
    assert folded.upper() == PERCENT.upper() and folded != PERCENT
    expected = 200 if Item.objects.filter(code__iexact=folded).exists() else 404
    assert client.get(item_url(folded)).status_code == expected
    entries = [k for k in versioned_cache._copies if k.startswith("access:item:")]
    assert len(entries) == 1


def test_verifier_gets_404_on_item_page(client, verifier, demo):
    client.force_login(verifier)
    assert client.get(item_url(PERCENT)).status_code == 404


def test_anonymous_item_page_redirects_to_login(client, demo):
    response = client.get(item_url(PERCENT))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_item_page_query_count_does_not_grow_with_history(client, operator, verifier, demo, dinkes):
    submission = draft(demo, dinkes, operator, numerator=1, denominator=2)
    upload_for(submission, operator)
    client.force_login(operator)
    client.get(item_url(PERCENT))
    nothing_cached()
    with CaptureQueriesContext(connection) as few:
        client.get(item_url(PERCENT))
    for _ in range(3):
        upload_for(submission, operator)
        workflow.submission_submit(submission=submission, actor=operator, version=None)
        workflow.submission_return(submission_id=submission.pk, actor=verifier, note="lagi")
    nothing_cached()
    with CaptureQueriesContext(connection) as many:
        client.get(item_url(PERCENT))
    # +1 since issue 17: the next item to fill; +2 with nothing cached (the framework's values).
    assert len(many) == len(few) <= 15


# ---- answering -------------------------------------------------------------------------------


def test_operator_saves_percent_draft_and_sees_percentage(client, operator, demo, dinkes):
    client.force_login(operator)
    response = post(
        client, PERCENT, {"intent": "save", "version": 0, "numerator": "19", "denominator": "20"}
    )
    assert response.status_code == 302
    saved = Submission.objects.get(agency=dinkes, item__code=PERCENT)
    assert (saved.numerator, saved.denominator, saved.status) == (19, 20, "draft")
    assert "95,00%" in client.get(item_url(PERCENT)).content.decode()


def test_numerator_above_denominator_is_a_field_error_keeping_input(client, operator, demo):
    client.force_login(operator)
    response = post(
        client, PERCENT, {"intent": "save", "version": 0, "numerator": "30", "denominator": "20"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "pembilang tidak boleh lebih besar dari penyebut" in page
    assert 'value="30"' in page and 'value="20"' in page
    assert 'aria-invalid="true"' in page and 'id="id_numerator_error"' in page
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-3", "tidak boleh negatif"), ("2.5", "tanpa pecahan"), ("abc", "bukan angka")],
)
def test_bad_counts_are_refused_next_to_the_field(client, operator, demo, typed, message):
    client.force_login(operator)
    response = post(client, COUNT, {"intent": "save", "version": 0, "count": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and f'value="{typed}"' in page
    assert 'aria-describedby="id_count_helptext id_count_error"' in page


def test_submitting_empty_value_says_required(client, operator, demo):
    client.force_login(operator)
    response = post(client, CHECK, {"intent": "submit", "version": 0, "narrative": "catatan"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Wajib diisi." in page and "catatan" in page


def test_submitting_without_required_evidence_is_refused(client, operator, demo):
    client.force_login(operator)
    response = post(client, CHECK, {"intent": "submit", "version": 0, "answer": "1"})
    assert response.status_code == 400
    assert "wajib dilengkapi data dukung" in response.content.decode()
    assert not Submission.objects.exists()


def test_operator_fills_uploads_and_submits_in_one_go(client, operator, demo, dinkes):
    client.force_login(operator)
    response = post(
        client,
        CHECK,
        {"intent": "submit", "version": 0, "answer": "1", "title": "SK"},
        {"file": upload(demo_pdf("SK"), "sk.pdf")},
    )
    assert response.status_code == 302
    saved = Submission.objects.get(agency=dinkes, item__code=CHECK)
    assert saved.status == "submitted" and saved.answer_yes is True
    assert saved.evidence.get().title == "SK"
    page = client.get(item_url(CHECK)).content.decode()
    assert "Diajukan" in page and 'name="intent"' not in page  # read-only while reviewed


def test_returned_submission_can_be_corrected_and_resubmitted(
    client, operator, verifier, demo, dinkes
):
    submission = draft(demo, dinkes, operator, numerator=5, denominator=10)
    upload_for(submission, operator)
    workflow.submission_submit(submission=submission, actor=operator, version=None)
    returned = workflow.submission_return(submission_id=submission.pk, actor=verifier, note="x")
    client.force_login(operator)
    assert "Ajukan ulang" in client.get(item_url(PERCENT)).content.decode()
    response = post(
        client,
        PERCENT,
        {"intent": "submit", "version": returned.version, "numerator": "6", "denominator": "10"},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.numerator == 6


def test_second_tab_gets_conflict_and_nothing_is_overwritten(client, operator, demo, dinkes):
    first = draft(demo, dinkes, operator, numerator=1, denominator=2)
    seen = first.version
    workflow.submission_save(
        submission=first, values={"numerator": 2}, actor=operator, version=seen
    )
    client.force_login(operator)
    response = post(
        client, PERCENT, {"intent": "save", "version": seen, "numerator": "9", "denominator": "9"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "diubah orang lain" in page and "Muat ulang" in page
    assert Submission.objects.get(pk=first.pk).numerator == 2


def test_tab_opened_before_the_first_save_gets_conflict(client, operator, demo, dinkes):
    draft(demo, dinkes, operator, numerator=1, denominator=2)
    client.force_login(operator)
    response = post(
        client, PERCENT, {"intent": "save", "version": 0, "numerator": "9", "denominator": "9"}
    )
    assert response.status_code == 400 and "diubah orang lain" in response.content.decode()


def test_approved_submission_is_read_only(client, operator, verifier, demo, dinkes):
    submission = draft(demo, dinkes, operator, numerator=5, denominator=10)
    upload_for(submission, operator)
    make_ready(submission)
    workflow.submission_submit(submission=submission, actor=operator, version=None)
    approved = workflow.submission_approve(submission_id=submission.pk, actor=verifier)
    client.force_login(operator)
    page = client.get(item_url(PERCENT)).content.decode()
    assert "sudah disetujui" in page and 'name="numerator"' not in page
    response = post(
        client,
        PERCENT,
        {"intent": "save", "version": approved.version, "numerator": "1", "denominator": "10"},
    )
    assert response.status_code == 400
    assert Submission.objects.get(pk=submission.pk).numerator == 5


def test_locked_period_is_read_only(client, operator, demo):
    Period.objects.filter(pk=demo.period.pk).update(locked=True)
    client.force_login(operator)
    page = client.get(item_url(PERCENT)).content.decode()
    assert "terkunci" in page and 'name="numerator"' not in page
    response = post(
        client, PERCENT, {"intent": "save", "version": 0, "numerator": "1", "denominator": "2"}
    )
    assert response.status_code == 400 and not Submission.objects.exists()


def test_closed_period_is_read_only(client, operator, demo):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Period.objects.filter(pk=demo.period.pk).update(
        opens_on=yesterday - datetime.timedelta(days=30), closes_on=yesterday
    )
    client.force_login(operator)
    assert "sudah ditutup" in client.get(item_url(PERCENT)).content.decode()


def test_last_year_answer_is_shown_for_comparison(client, demo_with_values):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="operator.dinkes"))
    page = client.get(item_url(PERCENT)).content.decode()
    previous = Submission.objects.get(
        agency__code="DINKES", item__code=PERCENT, period__locked=True
    )
    assert previous.answer_display() in page


def upload_for(submission, actor):
    from indicators.services.evidence import evidence_add

    # A distinct file per upload: the same file on several items is a sign of copied data.
    content = demo_pdf(f"bukti {submission.pk} {submission.evidence.count()}")
    evidence_add(submission=submission, upload=upload(content, "bukti.pdf"), actor=actor)


User = get_user_model()


def test_notices_speak_of_the_open_period_only(client, demo_with_values):
    client.force_login(User.objects.get(username="operator.dinkes"))
    notices = client.get("/").context["notices"]
    assert notices
    assert {n.submission.period_id for n in notices} == {demo_with_values.period.pk}

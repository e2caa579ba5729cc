"""Fuzzing the forms and parameters people type into: never a 500, always a page with a message."""

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import Submission
from tests.security.urlwalk import HOSTILE_VALUES, PORTAL_PARAMETERS, changelist_parameters, fill

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = [
    "NaN", "nan", "Infinity", "-Infinity", "inf", "-0", "-0.0", "+0", "0", "1e3", "1e309",
    "٣", "３", "１２", "١٢٣", "½", "²", "Ⅻ", "🙂", "9" * 40, "-1", "1,5", "1.005", " 12 ",
    "12\u00a0000", "\x00", "1\x00", "=1+1", "\u202e12", "1" * 5000, "999999999999.99",
    "1000000000000", "0x10", "1_000", "", " ", "ya", "<script>alert(1)</script>",
]  # fmt: skip
value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
narrative = st.one_of(st.text(max_size=200), st.sampled_from(["\x00", "a" * 6000, "\u202e"]))
ITEMS = {"III.13.a": ("numerator", "denominator"), "III.14.b": ("count",), "III.17.a": ("answer",)}


def has_message(page: str) -> bool:
    """An error summary, a field error or a flash message is on the page."""
    return any(mark in page for mark in ("invalid-feedback", "alert", "errorlist", "messagelist"))


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@FUZZ
@given(
    code=st.sampled_from(sorted(ITEMS)),
    values=st.lists(value, min_size=3, max_size=3),
    note=narrative,
    intent=st.sampled_from(["save", "submit", "", "\x00"]),
)
def test_answer_form_answers_anything_with_a_page_and_a_message(
    operator_client, code, values, note, intent
):
    url = f"/items/{code}/?agency=DINKES"
    version = (
        Submission.objects.filter(item__code=code, agency__code="DINKES")
        .values_list("version", flat=True)
        .first()
    )
    data = dict(zip(ITEMS[code], values, strict=False))
    data.update(narrative=note, intent=intent, version=str(version or 0))
    response = operator_client.post(url, data, follow=True)
    assert response.status_code in (200, 400)
    assert has_message(response.content.decode())
    submission = Submission.objects.filter(item__code=code, agency__code="DINKES").first()
    if response.status_code == 200 and submission is not None:
        # What was accepted was stored clean: no NUL, numbers within the import's rules.
        assert "\x00" not in submission.narrative
        if submission.count is not None:
            assert submission.count >= 0
        if submission.numerator is not None and submission.denominator:
            assert 0 <= submission.numerator <= submission.denominator
        if submission.status == Submission.Status.SUBMITTED:
            # Reset so that later examples can edit again.
            Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.DRAFT)


@pytest.fixture
def reviewed(make_draft):
    """A Dinkes answer to review; each example puts it in the state its action needs."""
    return make_draft("III.14.b", count=3)


@FUZZ
@given(
    action=st.sampled_from(["return", "reopen", "approve", "", "\x00", "delete"]),
    note=st.one_of(narrative, st.sampled_from(HOSTILE)),
    stale=st.booleans(),
)
def test_review_note_answers_anything_with_a_message(
    client, verifier, reviewed, action, note, stale
):
    status = Submission.Status.APPROVED if action == "reopen" else Submission.Status.SUBMITTED
    Submission.objects.filter(pk=reviewed.pk).update(status=status)
    version = Submission.objects.get(pk=reviewed.pk).version + (7 if stale else 0)
    client.force_login(verifier)
    url = f"/admin/indicators/submission/{reviewed.pk}/review/"
    response = client.post(url, {"review": action, "note": note, "version": str(version)})
    if action not in ("return", "reopen", "approve"):
        assert response.status_code == 403  # not a review action at all
        return
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "messagelist" in page


@FUZZ
@given(
    region=st.one_of(st.none(), st.sampled_from(["balikpapan", "samarinda", ""]), st.text()),
    period=st.one_of(st.none(), st.integers(-(10**20), 10**20).map(str), st.text()),
    export=st.booleans(),
)
def test_dashboard_parameters_give_a_page_or_404(client, gugus_tugas, region, period, export):
    client.force_login(gugus_tugas)
    query = {k: v for k, v in {"region": region, "period": period}.items() if v is not None}
    path = "/dashboard/export.xlsx" if export else "/dashboard/"
    response = client.get(path, query)
    # A NUL anywhere in the address is refused before the view (kla_portal.middleware).
    has_nul = any("\x00" in value for value in query.values())
    assert response.status_code in ((400,) if has_nul else (200, 404))


@FUZZ
@given(
    agency=st.one_of(st.sampled_from(["DINKES", "dinkes", " DINKES ", "DISDIK", ""]), st.text()),
    page=st.sampled_from(["/", "/items/III.13.a/"]),
)
def test_agency_switch_gives_a_page_or_404(operator_client, agency, page):
    response = operator_client.get(page, {"agency": agency})
    if "\x00" in agency:
        assert response.status_code == 400
        return
    assert response.status_code in (200, 404)
    if agency.strip().upper() in ("DINKES", ""):
        assert response.status_code == 200


def test_review_note_with_nul_is_refused_with_a_message(client, verifier, reviewed):
    Submission.objects.filter(pk=reviewed.pk).update(status=Submission.Status.SUBMITTED)
    client.force_login(verifier)
    url = f"/admin/indicators/submission/{reviewed.pk}/review/"
    data = {"review": "return", "note": "cek\x00lagi", "version": str(reviewed.version)}
    response = client.post(url, data, follow=True)
    assert "karakter NUL" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == Submission.Status.SUBMITTED


# ---- every list filter and query parameter, with hostile values ------------------------------


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _changelists(user):
    """(url, parameter) for every parameter of every admin changelist the user can open."""
    pairs = []
    for model, model_admin in admin.site._registry.items():
        request = _admin_request(user)
        if not model_admin.has_view_or_change_permission(request):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        pairs.extend((url, name) for name in changelist_parameters(model_admin, request))
    return pairs


def _answers_without_a_500(client, url, name, value):
    response = client.get(url, {name: value})
    assert response.status_code != 500, f"{url}?{name}={value[:20]!r}: 500"
    if "\x00" in value:
        assert response.status_code == 400, f"{url}?{name}=NUL: {response.status_code}"
    elif response.status_code == 302:
        # Django's own answer to a lookup it cannot read: the unfiltered list, flagged; or the
        # admin login for a visitor who is not staff.
        location = response["Location"]
        assert location == f"{url}?e=1" or location.startswith("/admin/login/"), location
    else:
        assert response.status_code in (200, 400, 403, 404), f"{url}?{name}: {response.status_code}"
    return response


@pytest.mark.parametrize("username", ["admin", "verifikator"])
def test_every_list_filter_of_every_changelist_takes_hostile_values(client, demo, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    pairs = _changelists(user)
    assert ("/admin/indicators/submission/", "year") in pairs
    assert ("/admin/indicators/submission/", "status__exact") in pairs
    for url, name in pairs:
        # The SQL-ish and huge-integer values are tried on the submission filters below.
        for value in HOSTILE_VALUES[:3] + HOSTILE_VALUES[4:7]:
            _answers_without_a_500(client, url, name, value)


NEVER_A_CODE = ["x" * 5000, "Ⅻ١٢٣🙂\u202e", "' OR 1=1 --"]
UNREADABLE = [
    *[("year", value) for value in ["abc", "1e99", "-1", "99999999999999999999", *NEVER_A_CODE]],
    *[(name, value) for name in ("cluster", "indicator", "region", "agency")
      for value in NEVER_A_CODE],
    *[(name, value) for name in ("evidence", "overdue") for value in ["abc", "-1", "1e99"]],
]  # fmt: skip


def test_an_unreadable_submission_filter_is_ignored_not_failed(client, demo_with_values):
    client.force_login(get_user_model().objects.get(username="verifikator"))
    url = "/admin/indicators/submission/"
    everything = client.get(url).context["cl"].result_count
    for name, value in UNREADABLE:
        response = client.get(url, {name: value})
        assert response.status_code == 200, (name, value)
        # Ignored: the whole list, not a 500 and not an empty page that looks like "no data".
        assert response.context["cl"].result_count == everything, (name, value[:20])


@pytest.mark.parametrize("username", ["operator.dinkes", "verifikator", "gugustugas", "admin"])
def test_every_query_parameter_of_portal_pages_and_exports_takes_hostile_values(
    client, demo_with_values, username
):
    client.force_login(get_user_model().objects.get(username=username))
    for route, names in PORTAL_PARAMETERS.items():
        url = fill(route, ["III.13.a"])
        for name in names:
            for value in HOSTILE_VALUES:
                _answers_without_a_500(client, url, name, value)


def test_every_query_parameter_read_by_the_code_is_fuzzed():
    root = Path(__file__).resolve().parents[2]
    read = set()
    for folder in ("indicators", "kla_portal", "clusters", "facilities"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text()
            read |= set(re.findall(r"request\.GET(?:\.get\(|\[)\"(\w+)\"", text))
    fuzzed = {name for names in PORTAL_PARAMETERS.values() for name in names}
    # `region` and `cluster` of the admin filters' choices are fuzzed with every changelist.
    assert read - fuzzed - {"cluster"} == set()


def test_a_nul_in_a_path_or_query_is_a_400_for_everyone(client, demo, operator):
    for who in (None, operator):
        if who:
            client.force_login(who)
        for url in ("/items/%00/", "/?agency=%00", "/accounts/login/?next=%00", "/x%00y/"):
            assert client.get(url).status_code == 400, url

"""Pushing values through the API: the import's rules, who may push what, and the audit."""

import pytest

from clusters.models import Item
from indicators.models import Assignment, ReviewEvent, Submission
from tests.conftest import make_submission


def dinkes_items(kind):
    return [
        a.item
        for a in Assignment.objects.filter(agency__code="DINKES", item__kind=kind)
        .select_related("item")
        .order_by("item__code")
    ]


def url(period):
    return f"/api/v1/periods/{period.pk}/values/"


@pytest.fixture
def percent_item(demo):
    return dinkes_items(Item.Kind.PERCENT)[0]


def test_an_operator_pushes_values_and_each_row_says_what_it_did(demo, as_user, percent_item):
    client = as_user("operator.dinkes")
    row = {"item": percent_item.code, "numerator": "1.500", "denominator": 2000, "note": "rekap"}
    body = {"agency": "DINKES", "rows": [row]}
    response = client.post(url(demo.period), body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["new"], data["changed"], data["dry_run"]) == (1, 0, False)
    submission = Submission.objects.get(period=demo.period, item=percent_item)
    # "1.500" is read as the import reads it: fifteen hundred; a JSON number is a number.
    assert (submission.numerator, submission.denominator) == (1500, 2000)
    assert submission.status == Submission.Status.SUBMITTED
    assert data["rows"][0] == {"row": 2, "agency": "DINKES", "item": percent_item.code,
                               "outcome": "new", "status": "submitted",
                               "submission": submission.pk}  # fmt: skip
    # Audited like a form save: the history and the event name the token's user.
    assert submission.history.latest().history_user.username == "operator.dinkes"
    event = ReviewEvent.objects.get(submission=submission)
    assert (event.action, event.actor.username) == ("imported", "operator.dinkes")
    # The same push again changes nothing.
    again = client.post(url(demo.period), body, format="json").json()
    assert (again["new"], again["changed"], again["unchanged"]) == (0, 0, 1)


def test_one_bad_row_rejects_the_whole_push_with_every_row_error(demo, as_user, percent_item):
    client = as_user("operator.dinkes")
    rows = [
        {"agency": "DINKES", "item": percent_item.code, "numerator": 5, "denominator": 10},
        {"agency": "DINKES", "item": "NOPE.1", "value": "1"},
        {"agency": "DINKES", "item": percent_item.code, "numerator": 20, "denominator": 10},
    ]
    response = client.post(url(demo.period), {"rows": rows}, format="json")
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "import_rejected"
    assert {e["row"] for e in problem["errors"]} == {3, 4}
    assert "butir 'NOPE.1' tidak ada" in str(problem["errors"])
    assert not Submission.objects.filter(period=demo.period).exists()


def test_dry_run_checks_and_writes_nothing(demo, as_user, percent_item):
    client = as_user("operator.dinkes")
    body = {"dry_run": True, "rows": [{"agency": "DINKES", "item": percent_item.code,
                                       "numerator": 5, "denominator": 10}]}  # fmt: skip
    data = client.post(url(demo.period), body, format="json").json()
    assert (data["dry_run"], data["new"], data["rows"][0]["submission"]) == (True, 1, None)
    assert not Submission.objects.filter(period=demo.period).exists()


def test_an_operator_pushes_only_their_own_agency(demo, as_user, percent_item):
    body = {"rows": [{"agency": "DISDIK", "item": percent_item.code, "numerator": 1,
                      "denominator": 2}]}  # fmt: skip
    response = as_user("operator.dinkes").post(url(demo.period), body, format="json")
    assert response.status_code == 400
    assert "bukan OPD Anda" in response.json()["errors"][0]["message"]


def test_an_approval_is_never_undone_silently(demo, as_user, percent_item):
    approved = make_submission(demo.period, "DINKES", percent_item.code, status="approved")
    rows = [{"agency": "DINKES", "item": percent_item.code, "numerator": 10, "denominator": 100}]
    operator = as_user("operator.dinkes")
    refused = operator.post(url(demo.period), {"rows": rows}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "approved_would_change"
    # An operator may not even ask to replace it; a verifier may, as with --replace-approved.
    body = {"rows": rows, "replace_approved": True}
    assert operator.post(url(demo.period), body, format="json").status_code == 403
    approved.refresh_from_db()
    assert approved.status == "approved" and approved.numerator == 90
    verifier = as_user("verifikator")
    assert verifier.post(url(demo.period), {"rows": rows}, format="json").status_code == 409
    done = verifier.post(url(demo.period), body, format="json")
    assert done.status_code == 200 and done.json()["changed"] == 1
    approved.refresh_from_db()
    assert (approved.status, approved.numerator) == ("submitted", 10)


def test_read_only_tokens_and_gugus_tugas_cannot_push(demo, as_user, percent_item):
    body = {"rows": [{"agency": "DINKES", "item": percent_item.code, "numerator": 1,
                      "denominator": 2}]}  # fmt: skip
    read_only = as_user("operator.dinkes", "read").post(url(demo.period), body, format="json")
    assert read_only.status_code == 403
    assert "hanya untuk membaca" in read_only.json()["detail"]
    assert as_user("gugustugas").post(url(demo.period), body, format="json").status_code == 403
    assert not Submission.objects.exists()


def test_a_closed_period_refuses_an_operators_push(demo, as_user, percent_item):
    demo.period.locked = True
    demo.period.save()
    body = {"rows": [{"agency": "DINKES", "item": percent_item.code, "numerator": 1,
                      "denominator": 2}]}  # fmt: skip
    response = as_user("operator.dinkes").post(url(demo.period), body, format="json")
    assert response.status_code == 409
    assert "terkunci" in response.json()["detail"]


def test_the_other_regions_verifier_gets_a_404(demo, other_region, as_user, percent_item):
    body = {"rows": [{"agency": "DINKES", "item": percent_item.code, "value": "1"}]}
    response = as_user("verifikator.samarinda").post(url(demo.period), body, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"rows": []},
        {"rows": "x"},
        {"rows": [{"item": {"a": 1}}]},
        {"rows": [{"item": "x", "colour": "red"}]},
        {"rows": [{"item": "x" * 20000}]},
        {"rows": [{"item": "I.1.a", "value": 1e308}], "agency": "DINKES"},
        {"rows": [{"item": "I.1.a\x00"}], "agency": "DINKES"},
        {"rows": [{"item": "I.1.a"}], "status": "draft"},
    ],
)
def test_bad_bodies_are_400_problems_never_500(demo, as_user, body):
    response = as_user("operator.dinkes").post(url(demo.period), body, format="json")
    assert response.status_code in (400, 403), response.content
    assert set(response.json()) >= {"type", "title", "status", "detail", "errors"}


def test_the_push_and_import_values_share_one_pipeline():
    """The rules are not copied: the API service calls the import itself."""
    import inspect

    from api import services
    from indicators.management.commands import import_values

    assert "values_import(" in inspect.getsource(services.values_push)
    assert "values_import(" in inspect.getsource(import_values.Command.handle)
    assert "validate_rows" not in inspect.getsource(services)

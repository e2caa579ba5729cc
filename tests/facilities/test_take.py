"""Taking the register's value as the answer: one action, version-checked, never silently stale;
the register's listing and certificates count as the item's documents."""

import datetime
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from clusters.models import Item
from facilities.models import RegisterTake
from facilities.seeding import certify, place
from facilities.selectors import OUT_OF_DATE, submission_register, take_state
from facilities.services import reference_load
from indicators.models import Agency, Submission
from indicators.selectors.readiness import submission_readiness
from indicators.selectors.workspace import submission_for
from indicators.services import answering, workflow
from indicators.views.workspace import item_url

DAY = datetime.timedelta(days=1)


@pytest.fixture
def parks(demo):
    reference_load()
    ref, region = demo.period.reference_on, demo.region
    found = []
    for n, code in enumerate(["64.71.06.1001", "64.71.05.1002", "64.71.04.1003", "64.71.03.1004"]):
        park = place(region, "RUANG_BERMAIN", f"Taman {n}", code, "DLH")
        certify(park, "RBRA", ref - 200 * DAY, number=f"RBRA-{n}")
        found.append(park)
    return found


def _dlh():
    return get_user_model().objects.get(username="operator.dlh")


def _submission(demo, code="II.11.a", agency="DLH"):
    item = Item.objects.get(code=code, indicator__cluster__framework=demo.period.framework)
    return submission_for(
        agency=Agency.objects.get(region=demo.region, code=agency), item=item, period=demo.period
    )


def test_the_item_page_shows_the_value_and_the_operator_takes_it_in_one_action(demo, parks, client):
    client.force_login(_dlh())
    agency = Agency.objects.get(region=demo.region, code="DLH")
    url = item_url(agency, "II.11.a")
    page = client.get(url)
    day = demo.period.reference_on.strftime("%d-%m-%Y")
    assert f"4 RBRA bersertifikat berlaku per {day}" in page.text
    assert "Taman 3" in page.text and "RBRA-2" in page.text
    measured = page.context["page"].register
    response = client.post(
        url, {"intent": "take", "version": 0, "fingerprint": measured.fingerprint}
    )
    assert response.status_code == 302
    saved = Submission.objects.get(item__code="II.11.a", agency=agency)
    assert (saved.count, saved.status) == (4, "draft")
    assert "register fasilitas" in saved.narrative
    assert saved.register_take.places == 4
    page = client.get(url)
    assert page.context["page"].register_state == "current"
    # II.11.a asks for each RBRA's certificate (held in the register) and photos (a file):
    checks = {c.requirement.code: c.state for c in page.context["checklist"].readiness.checks}
    assert checks["sertifikat"] == "met" and checks["foto"] == "missing"


def test_taking_refuses_a_stale_view_and_a_stale_version(demo, parks, client):
    client.force_login(_dlh())
    agency = Agency.objects.get(region=demo.region, code="DLH")
    url = item_url(agency, "II.11.a")
    seen = client.get(url).context["page"].register.fingerprint
    extra = place(demo.region, "RUANG_BERMAIN", "Taman Baru", "64.71.06.1002", "DLH")
    certify(extra, "RBRA", demo.period.reference_on - DAY)
    response = client.post(url, {"intent": "take", "version": 0, "fingerprint": seen}, follow=True)
    assert "Register fasilitas berubah" in response.text
    assert not Submission.objects.filter(item__code="II.11.a", agency=agency).exists()
    submission = _submission(demo)
    measured = submission_register(submission)
    saved = answering.submission_take_register(
        submission=submission, actor=_dlh(), version=None, seen=measured.fingerprint
    )
    with pytest.raises(workflow.Conflict):
        answering.submission_take_register(
            submission=saved, actor=_dlh(), version=saved.version - 1, seen=measured.fingerprint
        )
    response = client.post(url, {"intent": "take", "fingerprint": "zz"}, follow=True)
    assert "Permintaan tidak lengkap" in response.text


def test_a_register_change_after_taking_shows_out_of_date_to_operator_and_verifier(
    demo, parks, client
):
    submission = _submission(demo)
    measured = submission_register(submission)
    saved = answering.submission_take_register(
        submission=submission, actor=_dlh(), version=None, seen=measured.fingerprint
    )
    saved = workflow.submission_submit(submission=saved, actor=_dlh(), version=saved.version)
    saved = Submission.objects.get(pk=saved.pk)
    assert take_state(saved, submission_register(saved)) == "current"
    parks[0].closed_on = demo.period.reference_on - DAY
    parks[0].active = False
    parks[0].save()
    saved = Submission.objects.get(pk=saved.pk)
    assert take_state(saved, submission_register(saved)) == OUT_OF_DATE
    client.force_login(_dlh())
    page = client.get(item_url(saved.agency, "II.11.a"))
    assert "Kedaluwarsa: register berubah" in page.text
    client.force_login(get_user_model().objects.get(username="verifikator"))
    admin = client.get(f"/admin/indicators/submission/{saved.pk}/change/")
    assert admin.status_code == 200
    assert "Kedaluwarsa: register berubah" in admin.text


def test_typing_over_a_taken_value_is_not_shown_as_from_the_register(demo, parks):
    submission = _submission(demo)
    measured = submission_register(submission)
    saved = answering.submission_take_register(
        submission=submission, actor=_dlh(), version=None, seen=measured.fingerprint
    )
    saved = workflow.submission_save(
        submission=saved, values={"count": 7}, actor=_dlh(), version=saved.version
    )
    saved = Submission.objects.get(pk=saved.pk)
    assert take_state(saved, submission_register(saved)) == "typed"


def test_register_fed_values_and_kla_score_agree_once_taken(demo, parks):
    ref, region = demo.period.reference_on, demo.region
    for n, agency in enumerate(["DISDIK", "DISDIK", "KEMENAG", "KEMENAG", "KEMENAG"]):
        school = place(region, "SEKOLAH", f"S{n}", "64.71.06.1001", agency, level="SD/MI")
        if n % 2 == 0:
            certify(school, "SRA", ref - DAY)
    place(region, "FORUM_ANAK", "FA Damai", "64.71.06.1005", "DP3AKB", level="kelurahan")
    place(region, "FORUM_ANAK", "FA Kota", "64.71.06.1005", "DP3AKB", level="kota")
    codes = ["II.11.a", "IV.19.a", "I.6.c", "I.6.a"]
    for item in Item.objects.filter(
        code__in=codes, indicator__cluster__framework=demo.period.framework
    ):
        for agency in Agency.objects.filter(region=region, assignments__item=item):
            submission = _submission(demo, item.code, agency.code)
            operator = agency.members.first()
            measured = submission_register(submission)
            saved = answering.submission_take_register(
                submission=submission, actor=operator, version=None, seen=measured.fingerprint
            )
            workflow.submission_submit(submission=saved, actor=operator, version=saved.version)
    out = io.StringIO()
    call_command("facility_values", period=demo.period.year, region="balikpapan", stdout=out)
    register = {i["code"]: i["value"] for i in json.loads(out.getvalue())["items"]}
    out = io.StringIO()
    call_command(
        "kla_score", period=demo.period.year, region="balikpapan", basis="self", stdout=out
    )
    score = {i["code"]: i["value"] for i in json.loads(out.getvalue())["items"]}
    assert register["IV.19.a"] == 60.0  # 1 of 2 DISDIK + 2 of 3 KEMENAG
    for code in codes:
        assert score[code] == register[code], code


def test_the_register_meets_data_and_certificate_requirements_in_kla_readiness(demo, parks):
    submission = _submission(demo, "III.15.a", "DINKES")
    ref = demo.period.reference_on
    puskesmas = place(demo.region, "PUSKESMAS", "Puskesmas A", "64.71.06.1001", "DINKES")
    expired = place(demo.region, "PUSKESMAS", "Puskesmas B", "64.71.06.1002", "DINKES")
    certify(expired, "PRAP", ref - 4 * 365 * DAY)  # 36 months: lapsed before the date
    dinkes = get_user_model().objects.get(username="operator.dinkes")
    measured = submission_register(submission)
    assert (measured.numerator, measured.denominator) == (0, 2)
    saved = answering.submission_take_register(
        submission=submission, actor=dinkes, version=None, seen=measured.fingerprint
    )
    readiness = submission_readiness(saved)
    states = {c.requirement.code: c.state for c in readiness.checks}
    assert states == {"sertifikat": "missing", "daftar": "met"}
    certify(puskesmas, "PRAP", ref - 30 * DAY)
    saved = Submission.objects.get(pk=saved.pk)
    assert submission_readiness(saved).ready
    workflow.submission_submit(submission=saved, actor=dinkes, version=saved.version)
    out = io.StringIO()
    call_command("kla_readiness", period=demo.period.year, region="balikpapan", stdout=out)
    row = next(i for i in json.loads(out.getvalue())["items"] if i["code"] == "III.15.a")
    assert row["ready"] is True and row["missing"] == []
    assert RegisterTake.objects.get(submission=saved).answer == {
        "answer_yes": None,
        "numerator": "0",
        "denominator": "2",
        "count": None,
    }

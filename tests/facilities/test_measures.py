"""Each `feeds` measure at its edges, and `facility_values` as printed."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.seeding import certify, place
from facilities.selectors import facility_values_document, item_register_values
from facilities.services import reference_load
from indicators.models import Agency
from tests.conftest import nothing_cached

DAY = datetime.timedelta(days=1)


@pytest.fixture
def period(demo):
    reference_load()
    demo.period.reference_date = datetime.date(2026, 3, 31)
    demo.period.save()
    return demo.period


def _values(period, **kw):
    return item_register_values(period, **kw)


def test_a_certificate_valid_until_the_reference_date_counts_and_an_expired_one_does_not(period):
    ref, region = period.reference_on, period.region
    a = place(region, "RUANG_BERMAIN", "Taman A", "64.71.06.1001", "DLH")
    b = place(region, "RUANG_BERMAIN", "Taman B", "64.71.06.1002", "DLH")
    c = place(region, "RUANG_BERMAIN", "Taman C", "64.71.06.1003", "DLH")
    certify(a, "RBRA", ref - 300 * DAY, valid_until=ref, number="A-1")  # last valid day
    certify(b, "RBRA", ref - 400 * DAY, valid_until=ref - DAY)  # expired the day before
    certify(c, "RBRA", ref + DAY)  # granted after the reference date
    certify(c, "RBRA", stage="assessment")
    value = _values(period)["II.11.a"]
    assert value.printed == 1.0
    assert [(e.name, e.certificate_number) for e in value.entries] == [("Taman A", "A-1")]


def test_a_closed_place_is_left_out_but_one_closed_after_the_date_still_counts(period):
    ref, region = period.reference_on, period.region
    open_ = place(region, "PUSPAGA", "PUSPAGA Lama", "64.71.06.1001", "DP3AKB")
    open_.active, open_.closed_on = False, ref
    open_.save()
    assert _values(period)["II.8.a"].printed == 0.0  # closed on the reference date itself
    open_.closed_on = ref + DAY  # closed later: it was open on the date
    open_.save()
    assert _values(period)["II.8.a"].printed == 1.0
    open_.closed_on = None  # inactive with no date: treated as closed
    open_.save()
    assert _values(period)["II.8.a"].printed == 0.0


def test_a_share_over_a_level_and_a_zero_denominator(period):
    ref, region = period.reference_on, period.region
    assert _values(period)["II.10.a"].printed is None  # no PAUD at all: no value, as 0/0
    for n, level in enumerate(["PAUD", "PAUD", "PAUD", "SD/MI"]):
        school = place(region, "SEKOLAH", f"Sekolah {n}", "64.71.04.1001", "DISDIK", level=level)
        certify(school, "PAUD_HI", ref - 10 * DAY)
        if n == 0:
            certify(school, "SRA", ref - 10 * DAY)
    place(region, "SEKOLAH", "PAUD Tanpa", "64.71.04.1002", "DISDIK", level="PAUD")
    values = _values(period)
    paud = values["II.10.a"]
    assert (paud.numerator, paud.denominator, paud.printed) == (3, 4, 75.0)  # SD/MI left out
    assert (values["IV.19.a"].numerator, values["IV.19.a"].denominator) == (1, 5)
    assert values["IV.19.a"].printed == 20.0


def test_kelurahan_and_kecamatan_shares_by_level_and_a_designation(period):
    region = period.region
    place(region, "FORUM_ANAK", "FA Kota", "64.71.06.1001", "DP3AKB", level="kota")
    place(region, "FORUM_ANAK", "FA Prapatan", "64.71.06.1001", "DP3AKB", level="kelurahan")
    place(region, "FORUM_ANAK", "FA Damai", "64.71.06.1005", "DP3AKB", level="kelurahan")
    place(region, "FORUM_ANAK", "FA Kec Utara", "64.71.03.1001", "DP3AKB", level="kecamatan")
    from indicators.models import Kelurahan

    certify(Kelurahan.objects.get(code="64.71.04.1003"), "DEKELA", period.reference_on - DAY)
    values = _values(period)
    assert values["I.6.a"].printed == 1.0
    assert (values["I.6.c"].numerator, values["I.6.c"].denominator) == (2, 34)
    assert values["I.6.c"].printed == 5.88
    assert (values["I.6.b"].numerator, values["I.6.b"].denominator) == (1, 6)
    assert values["K.2.e"].printed == round(100 / 34, 2)
    assert [e.name for e in values["K.2.e"].entries] == ["Karang Rejo"]
    assert values["K.2.f"].printed == 0.0  # no PATBM: 0 of 34 kelurahan


def test_an_item_shared_by_two_agencies_splits_into_parts_that_add_up(period):
    ref, region = period.reference_on, period.region
    for n, agency in enumerate(["DISDIK", "DISDIK", "KEMENAG", "DINSOS"]):
        school = place(region, "SEKOLAH", f"S{n}", "64.71.06.1001", agency, level="SD/MI")
        if n != 1:
            certify(school, "SRA", ref - DAY)
    disdik = Agency.objects.get(region=region, code="DISDIK")
    kemenag = Agency.objects.get(region=region, code="KEMENAG")
    whole = _values(period)["IV.19.a"]
    parts = [_values(period, agency_id=a.pk)["IV.19.a"] for a in (disdik, kemenag)]
    assert sum(p.numerator for p in parts) == whole.numerator == 3
    assert sum(p.denominator for p in parts) == whole.denominator == 4
    # DINSOS is not assigned IV.19.a: its school goes to the first assigned agency.
    first = min((disdik, kemenag), key=lambda a: a.pk)
    assert "S3" in {e.name for e in parts[(disdik, kemenag).index(first)].entries}


def test_facility_values_prints_every_fed_item_in_constant_queries(period):
    ref, region = period.reference_on, period.region
    park = place(region, "RUANG_BERMAIN", "Taman A", "64.71.06.1001", "DLH")
    certify(park, "RBRA", ref - DAY, number="RBRA-1")
    out = io.StringIO()
    call_command("facility_values", period=period.year, region="balikpapan", stdout=out)
    doc = json.loads(out.getvalue())
    assert (doc["region"], doc["period"], doc["reference_date"]) == (
        "balikpapan",
        period.year,
        "2026-03-31",
    )
    items = {i["code"]: i for i in doc["items"]}
    assert items["II.11.a"]["value"] == 1.0
    assert items["II.11.a"]["places"][0]["certificate_number"] == "RBRA-1"
    assert items["I.6.a"] == {"code": "I.6.a", "value": 0.0, "places": []}
    assert items["III.15.a"]["value"] is None
    assert {"II.11.a", "I.6.c", "K.2.e", "IV.19.a", "V.23.b"} <= set(items)
    table = io.StringIO()
    call_command(
        "facility_values", period=period.year, region="balikpapan", format="table", stdout=table
    )
    assert "II.11.a" in table.getvalue() and "Taman A" in table.getvalue()

    nothing_cached()
    with CaptureQueriesContext(connection) as few:
        facility_values_document(period)
    for n in range(12):
        school = place(region, "SEKOLAH", f"S{n}", "64.71.05.1002", "DISDIK", level="SD/MI")
        certify(school, "SRA", ref - DAY)
        place(region, "PATBM", f"P{n}", "64.71.01.1001", "DP3AKB")
    nothing_cached()
    with CaptureQueriesContext(connection) as many:
        facility_values_document(period)
    assert len(few) == len(many)


def test_facility_values_refuses_an_unknown_region(period):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("facility_values", period=period.year, region="atlantis", stdout=io.StringIO())

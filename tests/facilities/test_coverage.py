"""The coverage page: present, missing and expiring per kecamatan and kelurahan, the city's
targets, the drawn grid, print and XLSX; scoped like the dashboard; constant queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from facilities.seeding import certify, place, register_seed
from facilities.selectors import coverage
from facilities.services import reference_load

DAY = datetime.timedelta(days=1)


@pytest.fixture
def seeded(demo):
    reference_load()
    register_seed(demo.region, timezone.localdate())
    return demo


def test_the_demo_register_has_the_gaps_the_city_knows(seeded):
    data = coverage(seeded.region, timezone.localdate())
    targets = {t.type_code: (met, of) for t, met, of, _missing in data.targets}
    assert targets["RUANG_BERMAIN"] == (5, 6)  # Balikpapan Barat has no park yet
    assert targets["FORUM_ANAK"] == (30, 34)
    assert targets["PATBM"] == (31, 34)
    barat = next(k for k in data.kecamatan if k.name == "Balikpapan Barat")
    assert "Taman per kecamatan" in [str(g) for g in barat.gaps]
    kariangau = next(c for c in barat.kelurahan if c.name == "Kariangau")
    assert {str(g) for g in kariangau.gaps} == {"Forum Anak per kelurahan", "PATBM per kelurahan"}
    held = {code: sum(k.held.get(code, 0) for k in data.kecamatan) for code, _ in data.standards}
    assert held["RBRA"] == 3  # the closed park's certificate does not count
    assert "PRAP" in held and held["PRAP"] == 4  # one PRAP expired


def test_expiring_certificates_are_listed(seeded):
    today = timezone.localdate()
    park = place(seeded.region, "RUANG_BERMAIN", "Taman Barat", "64.71.02.1001", "DLH")
    certify(park, "RBRA", today - 300 * DAY, valid_until=today + 10 * DAY, number="R-9")
    data = coverage(seeded.region, today)
    assert ("Taman Barat", "Baru Ilir", "RBRA", today + 10 * DAY) in data.expiring
    barat = next(k for k in data.kecamatan if k.name == "Balikpapan Barat")
    assert barat.expiring == {"RBRA": 1} and "Taman per kecamatan" not in [
        str(g) for g in barat.gaps
    ]


def test_the_page_prints_draws_the_grid_and_exports(seeded, client, verifier):
    client.force_login(verifier)
    page = client.get("/fasilitas/cakupan/")
    assert page.status_code == 200
    text = page.text
    assert text.count('class="cell cell-') == 6 and "<svg" in text
    assert 'data-kecamatan="Balikpapan Barat"' in text and "coverage.css" in text
    assert 'data-kelurahan="Kariangau"' in text
    export = client.get("/fasilitas/cakupan/export.xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["Kecamatan", "Kelurahan", "Target", "Kedaluwarsa segera"]
    assert book["Kelurahan"].max_row == 35
    dashboard = client.get("/dashboard/")
    assert "/fasilitas/cakupan/" in dashboard.text


def test_a_place_name_that_looks_like_a_formula_is_neutralised(seeded, client, verifier):
    place(seeded.region, "PATBM", '=HYPERLINK("x")', "64.71.02.1004", "DP3AKB")
    client.force_login(verifier)
    book = load_workbook(io.BytesIO(client.get("/fasilitas/cakupan/export.xlsx").content))
    # The Kelurahan sheet counts it; the name itself is in no formula cell anywhere.
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("=") for v in row)


def test_operators_are_refused_and_other_regions_not_found(seeded, client, operator, other_region):
    client.force_login(operator)
    assert client.get("/fasilitas/cakupan/").status_code == 403
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    assert client.get("/fasilitas/cakupan/?region=balikpapan").status_code == 404


def test_coverage_costs_the_same_queries_however_many_places(seeded, client, gugus_tugas):
    client.force_login(gugus_tugas)
    client.get("/fasilitas/cakupan/")
    with CaptureQueriesContext(connection) as few:
        client.get("/fasilitas/cakupan/")
    today = timezone.localdate()
    held = sum(k.held.get("SRA", 0) for k in coverage(seeded.region, today).kecamatan)
    for n in range(20):
        school = place(
            seeded.region, "SEKOLAH", f"SD {n}", "64.71.03.1001", "DISDIK", level="SD/MI"
        )
        certify(school, "SRA", today - DAY)
    # The first visit after the writes reads the register again (its cache moved with them).
    with CaptureQueriesContext(connection) as cold:
        page = client.get("/fasilitas/cakupan/")
    assert page.status_code == 200
    # never stale: the 20 new certificates count at once
    assert sum(k.held.get("SRA", 0) for k in coverage(seeded.region, today).kecamatan) == held + 20
    with CaptureQueriesContext(connection) as many:
        client.get("/fasilitas/cakupan/")
    assert len(few) == len(many) < len(cold)

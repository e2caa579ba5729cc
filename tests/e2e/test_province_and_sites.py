"""In Chromium: the province verifier's overview and the printable field-visit plan, on a
phone and on paper."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import FieldVisitCheck
from facilities.seeding import register_seed
from facilities.services import reference_load
from facilities.visits import site_save
from indicators.models import Period, Region
from tests.conftest import make_province_verifier

pytestmark = pytest.mark.django_db(transaction=True)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_province_verifier_ranks_the_provinces_regions_on_a_phone(
    mobile_page, login, demo_with_values, screenshot
):
    period = demo_with_values.period
    samarinda = Region.objects.create(
        slug="samarinda", name="Kota Samarinda", province="Kalimantan Timur"
    )
    Period.objects.create(
        region=samarinda,
        framework=period.framework,
        year=period.year,
        opens_on=period.opens_on,
        closes_on=period.closes_on,
    )
    make_province_verifier("Kalimantan Timur", "verifikator.kaltim")

    page = mobile_page
    login(page, "verifikator.kaltim")
    page.get_by_role("link", name="Ringkasan provinsi Kalimantan Timur").click()
    expect(page).to_have_title(re.compile(r"^Ringkasan provinsi"))  # waits for the new page
    rows = page.locator("#province-table tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).inner_text()
    assert "Kota Balikpapan" in first  # the demo city has approved work, Samarinda none
    assert "Kota Samarinda" in rows.nth(1).inner_text()
    # Indonesian numbers: a decimal comma
    assert "," in page.locator("#region-balikpapan .verified strong").inner_text()
    assert no_sideways_scroll(page)
    screenshot(page, "province-overview-phone")
    page.get_by_role("link", name="Kota Balikpapan").click()
    expect(page.locator("h1")).to_contain_text("Dasbor Gugus Tugas KLA")
    assert "Kota Balikpapan" in page.locator(".dash-header").inner_text()


def test_the_field_visit_plan_reads_on_a_phone_and_prints_on_one_page(
    mobile_page, login, demo, screenshot
):
    reference_load()
    register_seed(demo.region, timezone.localdate())
    verifier = get_user_model().objects.get(username="verifikator")
    day = timezone.localdate() + datetime.timedelta(days=7)

    def at(hour, minute=0):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    plan = [
        ("Puskesmas Klandasan Ilir", "Ibu Rina", "0812-3456-7890", at(9), at(10)),
        ("SD Negeri 001 Balikpapan Kota (SRA)", "Bu Sari", "0813 222 333", at(10, 30), at(11, 30)),
        ("Taman Bekapai (RBRA)", "Pak Andi", "0811 000 111", at(13), at(14)),
    ]
    sites = []
    for name, person, phone, starts, ends in plan:
        site = site_save(
            period=demo.period,
            values={"name": name, "contact_name": person, "contact_phone": phone,
                    "starts_at": starts, "ends_at": ends,
                    "address": "Kecamatan Balikpapan Kota"},
            actor=verifier,
        )  # fmt: skip
        sites.append(site)
        even = len(sites) % 2 == 1
        for n, (label, done) in enumerate(
            [
                ("Ruang pertemuan Forum Anak", True),
                ("Sambungan video langsung", even),
                ("Dokumen SK dan foto kegiatan", False),
            ]  # fmt: skip
        ):
            FieldVisitCheck.objects.create(site=site, label=label, done=done, order=n)
    site_save(
        period=demo.period,
        values={"name": sites[0].name, "contact_name": "Ibu Rina",
                "contact_phone": "0812-3456-7890", "starts_at": at(9), "ends_at": at(10),
                "address": "Kecamatan Balikpapan Kota", "backup_site": sites[2]},
        actor=verifier, site=sites[0], version=sites[0].version,
    )  # fmt: skip

    page = mobile_page
    login(page, "verifikator")
    page.goto("/dashboard/")
    page.locator("#visit-plan-link").click()
    expect(page).to_have_title(re.compile(r"^Rencana lokus verifikasi lapangan"))
    cards = page.locator(".visit-site")
    assert cards.count() == 3
    assert "09:00–10:00 WITA" in cards.nth(0).inner_text()
    assert "Cadangan: Taman Bekapai (RBRA)" in cards.nth(0).inner_text()
    assert "2 dari 3 siap" in cards.nth(0).inner_text()
    assert cards.nth(0).get_by_role("link", name="0812-3456-7890").get_attribute("href") == (
        "tel:0812-3456-7890"
    )
    assert no_sideways_scroll(page)
    screenshot(page, "visit-plan-phone")

    page.emulate_media(media="print")
    assert not page.locator("nav").first.is_visible()
    assert not page.locator("#print-button").is_visible()
    assert page.locator("#printed-by").is_visible()
    screenshot(page, "visit-plan-print")
    # One page on A4: the plan is meant to be handed out as a single sheet.
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1


def test_the_dashboard_shows_a_bands_conditions_on_a_phone(
    mobile_page, login, demo_with_values, screenshot
):
    from clusters.models import BandCondition, CategoryBand, Indicator, Item
    from clusters.services import framework_revise
    from indicators.selectors.scores import period_score

    period = demo_with_values.period
    verified = period_score(period, "verified")
    short = next(i.code for i in verified.items if i.fraction < 1)
    band = CategoryBand.objects.get(framework=period.framework, name=verified.category.name)
    BandCondition.objects.create(band=band, kind="item", item=Item.objects.get(code=short))
    BandCondition.objects.create(
        band=band,
        kind="indicator",
        indicator=Indicator.objects.filter(cluster__framework=period.framework).first(),
        min_percent=50,
    )
    framework_revise(framework_ids=[period.framework_id])
    page = mobile_page
    login(page, "gugustugas")
    page.goto("/dashboard/")
    table = page.locator("#conditions-table")
    assert table.locator("tbody tr").count() == 2
    assert short in table.inner_text()
    assert "belum" in table.inner_text()
    assert no_sideways_scroll(page)
    page.locator("#band-conditions").screenshot(
        path=str(screenshot(page, "dashboard-conditions-phone").with_name("conditions-only.png"))
    )

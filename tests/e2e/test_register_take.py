"""An operator takes the register's value as the answer; a verifier reads the coverage page."""

import pytest
from playwright.sync_api import expect

from facilities.seeding import register_seed
from indicators.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_takes_the_register_count_of_certified_playgrounds_and_submits(
    page, login, demo, screenshot
):
    register_seed(demo.region, demo.period.reference_on)
    login(page, "operator.dlh")
    page.goto("/items/II.11.a/?agency=DLH")
    day = demo.period.reference_on.strftime("%d-%m-%Y")
    card = page.locator("#register")
    assert card.locator(".register-value").inner_text() == f"3 RBRA bersertifikat berlaku per {day}"
    rows = card.locator(".register-places tbody tr")
    assert rows.count() == 3
    assert "Taman Bekapai" in card.inner_text() and "Taman Kanak Lama" not in card.inner_text()
    # The certificates held in the register meet the item's certificate requirement.
    assert (
        page.locator(".requirement[data-code=sertifikat]")
        .get_attribute("class")
        .endswith("requirement-met")
    )
    screenshot(page, "register-item-before-taking")

    page.get_by_role("button", name="Gunakan nilai ini sebagai jawaban").click()
    expect(page.locator("div[role=status] .alert")).to_contain_text("diambil sebagai jawaban")
    assert page.get_by_label("Jumlah").input_value() == "3"
    assert page.locator("#register-state").inner_text() == "Jawaban sesuai register"
    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    expect(page.locator(".status-badge").first).to_have_text("Diajukan")
    screenshot(page, "register-item-submitted")
    saved = Submission.objects.get(item__code="II.11.a", agency__code="DLH")
    assert (saved.count, saved.status) == (3, "submitted")


def test_verifier_reads_the_coverage_page(page, login, demo, screenshot):
    register_seed(demo.region, demo.period.reference_on)
    login(page, "verifikator")
    page.goto("/dashboard/")
    page.get_by_role("link", name="Cakupan fasilitas").click()
    expect(page.locator("h1")).to_have_text("Cakupan fasilitas ramah anak")
    assert page.locator("svg.coverage-grid g.cell").count() == 6
    barat = page.locator("#coverage-kecamatan tr[data-kecamatan='Balikpapan Barat']")
    assert "Taman per kecamatan" in barat.inner_text()
    screenshot(page, "coverage-page")
    page.emulate_media(media="print")
    screenshot(page, "coverage-page-print")

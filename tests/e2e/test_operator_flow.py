"""An OPD operator fills, documents and submits items in Chromium, on a desktop and a phone."""

import re

import pytest
from playwright.sync_api import expect

from indicators.models import Submission
from indicators.seeding.demo import demo_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": demo_pdf(name)}


def counter(page, label):
    return page.locator(".counter", has_text=label).locator(".counter-number").inner_text()


def test_operator_fills_percent_and_yes_no_items_and_submits(page, login, demo, screenshot):
    login(page, "operator.dinkes")
    assert counter(page, "diajukan") == "0"

    page.get_by_role("link", name="III.13.a").first.click()
    expect(page).to_have_title(re.compile(r"^III\.13\.a · Isian Dinkes"))
    page.get_by_label("Pembilang").fill("190")
    page.get_by_label("Penyebut").fill("200")
    # The small script shows the percentage while typing; the server shows it after saving.
    assert page.locator("#percent-output").inner_text() == "95,00%"
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator("div[role=status] .alert")).to_have_text("Isian tersimpan sebagai draf.")
    assert page.locator("#percent-output").inner_text() == "95,00%"

    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    assert "wajib dilengkapi data dukung" in page.locator("#id_file_error").inner_text()
    assert page.get_by_label("Pembilang").input_value() == "190"
    page.get_by_label("Tambah data dukung").set_input_files(pdf("cakupan-imunisasi.pdf"))
    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    expect(page.locator("div[role=status] .alert")).to_contain_text("diajukan untuk diverifikasi")
    expect(page.locator(".status-badge").first).to_have_text("Diajukan")
    assert page.get_by_role("link", name="cakupan-imunisasi.pdf").is_visible()
    screenshot(page, "operator-item-submitted")

    page.goto("/items/III.17.a/?agency=DINKES")
    # Keyboard only: focus the "Ya" radio and pick it with the space bar.
    page.get_by_label("Ya", exact=True).focus()
    page.keyboard.press("Space")
    assert page.get_by_label("Ya", exact=True).is_checked()
    page.get_by_label("Tambah data dukung").set_input_files(pdf("perwal-kesehatan.pdf"))
    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    expect(page.locator(".status-badge").first).to_have_text("Diajukan")

    page.get_by_role("link", name="Isian Dinkes").click()
    assert counter(page, "diajukan") == "2"
    statuses = dict(
        Submission.objects.filter(agency__code="DINKES").values_list("item__code", "status")
    )
    assert statuses == {"III.13.a": "submitted", "III.17.a": "submitted"}
    screenshot(page, "operator-home-desktop")


def test_bad_numbers_are_marked_next_to_their_field(page, login, demo, screenshot):
    login(page, "operator.dinkes")
    page.goto("/items/III.13.a/?agency=DINKES")
    page.get_by_label("Pembilang").fill("300")
    page.get_by_label("Penyebut").fill("200")
    page.get_by_role("button", name="Simpan draf").click()
    numerator = page.get_by_label("Pembilang")
    assert numerator.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_numerator_error").inner_text().startswith("pembilang tidak boleh")
    assert numerator.input_value() == "300"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    screenshot(page, "operator-item-error")


def test_home_fits_a_phone_without_horizontal_scrolling(
    mobile_page, login, demo_with_values, screenshot
):
    login(mobile_page, "operator.dinkes")
    assert mobile_page.get_by_role("heading", name="Pemberitahuan").is_visible()
    path = screenshot(mobile_page, "operator-home-mobile")
    assert path.exists()
    fits = mobile_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits
    mobile_page.goto("/items/III.13.a/?agency=DINKES")
    screenshot(mobile_page, "operator-item-mobile")
    assert mobile_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

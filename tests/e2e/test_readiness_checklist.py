"""An OPD operator completes an item's checklist of documents in Chromium."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clusters.models import EvidenceRequirement
from indicators.seeding.demo import demo_pdf

pytestmark = pytest.mark.django_db(transaction=True)
ITEM = "III.17.a"  # Dinkes: a smoke-free regulation in force, and recent photos of the signs


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": demo_pdf(name)}


def upload_document(page, filename, requirement, dated, valid_until=""):
    page.get_by_label("Tambah data dukung").set_input_files(pdf(filename))
    page.locator("#id_requirement").select_option(label=requirement.name)
    page.locator("#id_document_date").fill(dated)
    if valid_until:
        page.locator("#id_valid_until").fill(valid_until)
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator("div[role=status] .alert")).to_contain_text("tersimpan sebagai draf")


def test_operator_completes_the_checklist_of_an_item(page, login, demo, screenshot):
    regulation = EvidenceRequirement.objects.get(item__code=ITEM, code="perda")
    photos = EvidenceRequirement.objects.get(item__code=ITEM, code="foto")
    today = timezone.localdate()
    login(page, "operator.dinkes")
    assert page.locator("#count-ready").inner_text() == "0"

    page.goto(f"/items/{ITEM}/?agency=DINKES")
    assert page.locator("#readiness-state").inner_text() == "Belum siap verifikasi"
    checklist = page.locator("#checklist")
    assert checklist.locator("[data-code=perda]").inner_text().count("belum ada berkas") == 1

    page.get_by_label("Ya", exact=True).check()
    upload_document(page, "perwali-ktr.pdf", regulation, "2023-05-02")
    assert "terpenuhi" in checklist.locator("[data-code=perda]").inner_text()
    assert page.locator("#readiness-state").inner_text() == "Belum siap verifikasi"

    long_ago = (today - datetime.timedelta(days=3 * 365)).isoformat()
    upload_document(page, "foto-ktr-lama.pdf", photos, long_ago)
    assert "terlalu lama" in checklist.locator("[data-code=foto]").inner_text()

    upload_document(page, "foto-ktr.pdf", photos, (today - datetime.timedelta(days=5)).isoformat())
    assert "terpenuhi" in checklist.locator("[data-code=foto]").inner_text()
    assert page.locator("#readiness-state").inner_text() == "Siap verifikasi"
    screenshot(page, "operator-checklist-complete")

    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    # The old photo is a sign to explain before the item goes to the verifier.
    assert "Tulis penjelasan" in page.locator("#error-summary").inner_text()
    page.get_by_label("Penjelasan atas tanda data").fill(
        "Foto lama dilampirkan sebagai pembanding."
    )
    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    expect(page.locator(".status-badge").first).to_have_text("Diajukan")

    page.get_by_role("link", name="Isian Dinkes").click()
    assert page.locator("#count-ready").inner_text() == "1"
    page.locator(".readiness-counters a", has_text="siap verifikasi").click()
    expect(page.get_by_role("link", name=ITEM)).to_have_count(1)
    assert page.locator(".item-row").count() == 1

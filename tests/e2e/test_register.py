"""A DLH operator registers a playground and its RBRA certificate in Chromium, on a phone."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from facilities.models import Certification, Facility
from facilities.services import reference_load
from indicators.seeding.demo import demo_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_registers_a_playground_and_its_rbra_certificate_on_a_phone(
    mobile_page, login, demo, screenshot
):
    reference_load()
    page = mobile_page
    login(page, "operator.dlh")
    page.get_by_role("link", name="Register fasilitas").click()
    expect(page).to_have_title(re.compile(r"^Register fasilitas DLH"))
    page.get_by_role("link", name="Daftarkan fasilitas").click()
    page.get_by_label("Jenis fasilitas").select_option(
        label="Ruang bermain / taman / ruang terbuka hijau"
    )
    page.get_by_label("Nama").fill("Taman Bekapai")
    page.get_by_label("Kelurahan").select_option(label="Klandasan Ilir (Balikpapan Kota)")
    page.get_by_label("Alamat").fill("Jl. Jenderal Sudirman")
    page.get_by_label("Lintang").fill("-1,2766")
    page.get_by_label("Bujur").fill("116,8290")
    screenshot(page, "register-facility-form-phone")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert").first).to_contain_text("Taman Bekapai terdaftar.")

    page.get_by_role("link", name="Tambah sertifikasi Taman Bekapai").click()
    page.get_by_label("Standar").select_option(
        label="RBRA · Ruang Bermain Ramah Anak (SNI 9169:2023)"
    )
    page.get_by_label("Tahap").select_option(label="Ditetapkan")
    page.get_by_label("Nomor sertifikat").fill("RBRA/0012/LSPro/2025")
    page.get_by_label("Ditetapkan pada").fill("2025-03-01")
    page.get_by_label("Berlaku sampai").fill("2028-02-29")
    page.get_by_label("Berkas sertifikat").set_input_files(
        {"name": "sertifikat-rbra.pdf", "mimeType": "application/pdf",
         "buffer": demo_pdf("sertifikat-rbra.pdf")}
    )  # fmt: skip
    screenshot(page, "register-certificate-form-phone")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert").first).to_contain_text("Sertifikasi Taman Bekapai disimpan.")
    listing = page.locator(".certificates").inner_text()
    assert "RBRA" in listing and "29-02-2028" in listing and "Ditetapkan" in listing
    # The file comes back through the permission-checked download.
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh sertifikat").click()
    assert download.value.suggested_filename == "sertifikat-rbra.pdf"
    screenshot(page, "register-list-phone")

    place = Facility.objects.get(name="Taman Bekapai")
    assert place.agency.code == "DLH" and place.kelurahan.name == "Klandasan Ilir"
    certification = Certification.objects.get(facility=place)
    assert certification.valid_until == datetime.date(2028, 2, 29)
    assert certification.content_type == "application/pdf"

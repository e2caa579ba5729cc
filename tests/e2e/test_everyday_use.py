"""Issue 17 in Chromium: no dead ends for operators, a dashboard that answers at a glance,
exports and the admin in Indonesian, a login that says who and whom to ask."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from indicators.models import ReviewEvent, Submission
from indicators.seeding.demo import demo_pdf
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def pdf(name, size=None):
    content = demo_pdf(name)
    if size:
        content = content + b"%" * (size - len(content))
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def status_message(page):
    return page.locator("div[role=status] .alert").inner_text()


def test_operator_withdraws_a_submission_and_is_offered_the_next_item(
    page, login, demo_with_values, screenshot
):
    submitted = Submission.objects.get(
        agency__code="DINKES", item__code="III.14.b", period=demo_with_values.period
    )
    assert submitted.status == "submitted"
    login(page, "operator.dinkes")
    page.goto("/items/III.14.b/?agency=DINKES")
    assert page.locator(".next-item a").is_visible()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.get_by_role("button", name="Tarik kembali untuk diperbaiki").click()
    assert "Tarik kembali isian ini menjadi draf?" in asked[0]
    assert "ditarik kembali menjadi draf" in status_message(page)
    assert page.locator(".status-badge").first.inner_text() == "Draf"
    assert page.get_by_role("button", name="Simpan draf").is_visible()
    event = ReviewEvent.objects.filter(submission=submitted).latest("created_at")
    assert (event.action, event.from_status, event.to_status) == ("withdrawn", "submitted", "draft")
    assert "Ditarik kembali" in page.locator(".history").inner_text()
    screenshot(page, "operator-withdrawn")

    with page.expect_navigation():
        page.locator(".next-item a").click()
    assert "/items/" in page.url and "III.14.b" not in page.url


def test_stunting_explains_that_lower_is_better(page, login, demo_with_values):
    login(page, "operator.dinkes")
    page.goto("/items/III.13.a/?agency=DINKES")
    assert "Makin rendah makin baik" in page.locator(".scoring-direction").inner_text()
    page.goto("/items/III.12.a/?agency=DINKES")
    assert page.locator(".scoring-direction").count() == 0


def test_removing_a_file_asks_first(page, login, demo, screenshot):
    login(page, "operator.dinkes")
    page.goto("/items/III.13.a/?agency=DINKES")
    page.get_by_label("Pembilang").fill("10")
    page.get_by_label("Penyebut").fill("200")
    page.get_by_label("Tambah data dukung").set_input_files(pdf("stunting.pdf"))
    page.get_by_role("button", name="Simpan draf").click()
    remove = page.get_by_role("button", name="Hapus stunting.pdf")
    page.once("dialog", lambda dialog: dialog.dismiss())
    remove.click()
    assert page.get_by_role("link", name="stunting.pdf").is_visible()  # kept: the user said no
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        remove.click()
    assert page.get_by_text("Belum ada berkas.").is_visible()


def test_the_error_summary_lists_fields_in_page_order_and_says_the_file_was_not_kept(
    page, login, demo, screenshot
):
    login(page, "operator.dinkes")
    page.goto("/items/III.13.a/?agency=DINKES")
    page.get_by_label("Pembilang").fill("abc")
    page.get_by_label("Penyebut").fill("-5")
    page.get_by_label("Tambah data dukung").set_input_files(pdf("bukti.pdf"))
    page.get_by_label("Tanggal dokumen").fill("2099-01-01")
    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    summary = page.locator("#error-summary")
    items = summary.locator("li").all_inner_texts()
    labels = [text.split(":")[0] for text in items]
    assert labels[:2] == ["Pembilang", "Penyebut"]
    assert all(": " in text for text in items)  # each with its message
    assert 'Berkas "bukti.pdf" belum tersimpan' in summary.inner_text()
    screenshot(page, "operator-error-summary")


def test_a_too_large_file_is_refused_in_the_browser_before_it_is_sent(
    page, login, demo, settings, screenshot
):
    settings.EVIDENCE_MAX_BYTES = 50_000
    login(page, "operator.dinkes")
    page.goto("/items/III.13.a/?agency=DINKES")
    page.get_by_label("Tambah data dukung").set_input_files(pdf("besar.pdf", size=120_000))
    assert "Berkas terlalu besar" in page.locator("#id_file_size_error").inner_text()
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    page.get_by_role("button", name="Simpan draf").click()
    assert sent == [] and Submission.objects.count() == 0
    screenshot(page, "operator-file-too-large")


def test_counters_filter_the_list_and_notices_show_the_state_now(
    page, login, demo_with_values, screenshot
):
    returned = Submission.objects.get(
        agency__code="DINKES", item__code="III.12.a", period=demo_with_values.period
    )
    login(page, "operator.dinkes")
    notice = page.locator(".notices li", has_text="III.12.a")
    assert "sudah ditindaklanjuti" not in notice.inner_text()
    with page.expect_navigation():
        page.locator("a.counter", has_text="dikembalikan").click()
    assert page.locator(".item-row").count() == 1
    assert "III.12.a" in page.locator(".item-row").inner_text()
    assert page.locator("a.counter[aria-current]").inner_text().endswith("dikembalikan")
    # The agency's part in the city's score, without other agencies' figures.
    assert "Bagian Dinkes dalam nilai kota" in page.locator("#agency-part").inner_text()
    assert "Disdik" not in page.locator("#agency-part").inner_text()

    from indicators.services import workflow

    operator = returned.agency.members.first()
    Submission.objects.filter(pk=returned.pk).update(narrative="diperbaiki")
    workflow.submission_submit(submission=returned, actor=operator, version=None)
    page.goto("/")
    notice = page.locator(".notices li", has_text="III.12.a")
    assert "sudah ditindaklanjuti" in notice.inner_text()
    assert notice.locator(".status-badge").inner_text() == "Diajukan"
    screenshot(page, "operator-home-notices")


def test_dashboard_answers_in_one_sentence_and_opens_an_agencys_items(
    page, login, demo_with_values, screenshot
):
    login(page, "gugustugas")
    page.goto("/dashboard/")
    sentence = page.locator("#summary-sentence").inner_text()
    assert "poin" in sentence and "berisiko" in sentence and "dokumen siap verifikasi" in sentence
    # The agency table comes before the clusters, and a name opens that agency's items.
    assert page.evaluate(
        "document.getElementById('agencies-title').compareDocumentPosition("
        "document.getElementById('clusters-title')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    with page.expect_navigation():
        page.locator("#agency-table").get_by_role("link", name="Dinkes").click()
    assert "Hanya butir yang ditugaskan ke Dinkes" in page.locator("#agency-filter").inner_text()
    items = page.locator("details.indicator[open] tbody tr").all_inner_texts()
    assert items and all("Dinkes" in row for row in items)
    header = page.locator("details.indicator").first.locator("thead").inner_text()
    assert "Poin verif." in header and "Capaian saat ini" in header and "Nilai verif." not in header
    assert "Fraksi kini" not in page.content()
    screenshot(page, "dashboard-agency")


def test_dashboard_prints_with_every_indicator_open_and_who_printed_it(
    page, login, demo_with_values, screenshot
):
    login(page, "gugustugas")
    page.goto("/dashboard/")
    assert page.get_by_role("button", name="Cetak").is_visible()
    assert not page.locator("#printed-by").is_visible()
    page.emulate_media(media="print")
    assert page.locator("#printed-by").inner_text().startswith("Dicetak ")
    assert "oleh gugustugas" in page.locator("#printed-by").inner_text()
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("#language-select").is_visible()
    assert page.locator("details.indicator").first.locator("table").is_visible()
    screenshot(page, "dashboard-printout")


def test_dashboard_keeps_the_agency_names_and_key_columns_on_a_phone(
    mobile_page, login, demo_with_values, screenshot
):
    login(mobile_page, "gugustugas")
    mobile_page.goto("/dashboard/")
    table = mobile_page.locator("#agency-table")
    visible = [h for h in table.locator("thead th").all() if h.is_visible()]
    names = [h.inner_text() for h in visible]
    assert names[0] == "OPD" and "Dikembalikan" in names and "Tugas" not in names
    # The table scrolls in its own box with the names pinned; the page itself does not.
    assert mobile_page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    first = table.locator("tbody th").first
    assert first.evaluate("e => getComputedStyle(e).position") == "sticky"
    screenshot(mobile_page, "dashboard-agencies-phone")


def test_login_names_the_region_and_the_helpdesk_and_says_a_refusal_once(
    page, demo, settings, screenshot
):
    settings.HELPDESK_CONTACT = "DP3AKB, telepon 0542-111222"
    page.goto("/accounts/login/")
    assert "Kota Balikpapan" in page.locator("#login-region").inner_text()
    assert "0542-111222" in page.locator("#helpdesk").inner_text()
    page.get_by_label("Nama pengguna").fill("operator.dinkes")
    page.get_by_label("Kata sandi").fill("salah-sekali")
    page.get_by_role("button", name="Masuk").click()
    alert = page.locator("main .alert-danger").inner_text()
    assert alert.count("ama pengguna") == 1 and "kata sandi salah" in alert
    assert page.get_by_role("link", name="Lupa kata sandi?").is_visible()
    screenshot(page, "login-refused")


def test_operator_changes_the_password_in_the_portal(page, login, demo, screenshot):
    login(page, "operator.dinkes")
    page.get_by_role("link", name="Ganti kata sandi").click()
    assert page.locator("nav.navbar").is_visible()  # the portal's own look, not the admin's
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("kuda baterai staples benar 2026")
    page.locator("#id_new_password2").fill("kuda baterai staples benar 2026")
    screenshot(page, "password-change")
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    expect(page.get_by_role("heading", name="Kata sandi diganti")).to_be_visible()


def test_admin_exports_and_history_speak_indonesian(page, login, demo_with_values, screenshot):
    login(page, "verifikator")
    page.goto("/admin/indicators/submission/")
    assert page.title().startswith("Isian |")
    page.get_by_role("link", name="Ekspor").click()
    expect(page).to_have_url(re.compile(r"/export/"))
    text = page.locator("#content").inner_text()
    assert "This exporter" not in text and "SubmissionResource" not in text
    assert page.get_by_label("Format berkas").input_value() == "0"  # XLSX chosen
    screenshot(page, "admin-export")
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh berkas").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["Isian"]
    assert [c.value for c in book["Isian"][1]][:4] == ["Wilayah", "Periode", "Kode OPD", "OPD"]

    submission = Submission.objects.filter(agency__code="DINKES").first()
    page.goto(f"/admin/indicators/submission/{submission.pk}/history/")
    headers = page.locator("#change-history thead th").all_inner_texts()
    assert [h.lower() for h in headers] == [
        "data", "waktu (wita)", "jenis perubahan", "diubah oleh", "alasan perubahan", "perubahan"
    ]  # fmt: skip
    assert "None" not in page.locator("#change-history tbody").inner_text()
    screenshot(page, "admin-history")

    page.goto("/admin/indicators/submission/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh templat impor (XLSX)").click()
    template = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert [c.value for c in template.worksheets[0][1]] == [
        "agency", "item", "numerator", "denominator", "value", "note"
    ]  # fmt: skip
    assert template.sheetnames[1] == "Petunjuk"

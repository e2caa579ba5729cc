"""A verifier's finding in Chromium: the agency answers it from its home with a note and a
file, DP3AKB closes it in the admin (and reopens it); on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from clusters.models import Item
from indicators.models import Agency
from tests.conftest import PDF
from verification.models import Finding
from verification.services.findings import finding_create

pytestmark = pytest.mark.django_db(transaction=True)
F = Finding.Status


def _finding(demo):
    from django.contrib.auth import get_user_model

    return finding_create(
        period=demo.period,
        stage="vl",
        item=Item.objects.get(code="III.12.a"),
        text="Data imunisasi berbeda dengan laporan dinas; unggah laporan resmi bertanda tangan.",
        agencies=[Agency.objects.get(code="DINKES")],
        actor=get_user_model().objects.get(username="verifikator"),
    )


def _answer(page, tmp_path):
    page.goto("/")
    section = page.locator("#home-findings")
    assert "III.12.a" in section.inner_text() and "Terbuka" in section.inner_text()
    section.get_by_role("link", name="III.12.a").click()
    page.get_by_role("textbox", name="Tanggapan").fill(
        "Laporan resmi Dinkes bertanda tangan terlampir."
    )
    report = tmp_path / "laporan-imunisasi.pdf"
    report.write_bytes(PDF)
    page.get_by_label("Data dukung baru").set_input_files(str(report))
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim tanggapan").click()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_agency_answers_a_finding_from_its_home(
    request, live_server, width, login, demo, screenshot, tmp_path
):
    # live_server named here: the page fixture, taken by name below, needs its allowed host.
    page = request.getfixturevalue("page" if width == "desktop" else "mobile_page")
    finding = _finding(demo)
    login(page, "operator.dinkes")
    page.goto("/")
    screenshot(page, f"findings-home-{width}")
    _answer(page, tmp_path)
    assert "Tanggapan terkirim" in page.locator("body").inner_text()
    assert "Dijawab" in page.locator("#finding-status").inner_text()
    assert page.get_by_role("link", name="laporan-imunisasi.pdf").is_visible()
    screenshot(page, f"findings-answered-{width}")
    finding.refresh_from_db()
    assert finding.status == F.ANSWERED
    assert finding.responses.get().evidence.submission.item.code == "III.12.a"
    # the home still lists it (waiting on DP3AKB), now as answered
    page.goto("/")
    assert "Dijawab" in page.locator("#home-findings").inner_text()
    if width == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, "the home scrolls sideways on a phone"


def test_dp3akb_closes_the_answered_finding_and_reopens_it(
    page, mobile_page, login, demo, screenshot, tmp_path
):
    finding = _finding(demo)
    login(mobile_page, "operator.dinkes")
    _answer(mobile_page, tmp_path)

    login(page, "verifikator")
    page.goto("/admin/verification/finding/?status=answered")
    screenshot(page, "findings-admin-list")
    page.get_by_role("link", name="III.12.a").click()
    expect(page.locator("#finding-responses")).to_contain_text("Laporan resmi Dinkes")
    screenshot(page, "findings-admin-answered")
    page.get_by_role("button", name="Tutup catatan").click()
    expect(page.locator(".messagelist")).to_contain_text("Catatan ditutup")
    finding.refresh_from_db()
    assert finding.status == F.CLOSED
    screenshot(page, "findings-admin-closed")

    page.get_by_label("Catatan (wajib bila membuka kembali)").fill("Tanda tangan belum terbaca.")
    page.get_by_role("button", name="Buka kembali").click()
    expect(page.locator(".messagelist")).to_contain_text("dibuka kembali")
    finding.refresh_from_db()
    assert finding.status == F.OPEN

    # the portal's findings page shows it open again, on a phone too
    mobile_page.goto("/temuan/?status=open")
    assert "III.12.a" in mobile_page.locator("main").inner_text()
    screenshot(mobile_page, "findings-list-phone")


def test_the_dashboard_shows_last_years_stages_beside_the_frozen_forecast(
    page, mobile_page, login, demo_with_values, screenshot
):
    previous = demo_with_values.period.year - 1
    for name, each in (("desktop", page), ("phone", mobile_page)):
        login(each, "gugustugas")
        each.goto(f"/dashboard/?period={previous}")
        stages = each.locator("#stages")
        assert "Verifikasi lapangan" in stages.inner_text() and "850,10" in stages.inner_text()
        assert each.locator("#stage-vs-forecast tbody tr").count() == 4
        stages.screenshot(
            path=str(screenshot(each, f"stages-{name}").with_name(f"stages-only-{name}.png"))
        )
    assert mobile_page.locator("#forecast-history").is_visible()

"""The Gugus Tugas opens the dashboard in Chromium, on a desktop and on a phone."""

import pytest

from indicators.selectors.scores import VERIFIED, period_score

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_gugus_tugas_reads_the_dashboard_on_desktop(page, login, demo_with_values, screenshot):
    verified = period_score(demo_with_values.period, VERIFIED)
    login(page, "gugustugas")
    with page.expect_navigation():
        page.get_by_role("link", name="Dasbor Gugus Tugas").click()
    assert page.locator("#headline-verified .total").inner_text() == (
        f"{verified.total:.2f}".replace(".", ",")
    )
    assert page.locator("#at-risk").is_visible()
    assert "perkiraan tidak resmi" in page.locator("#estimate-note").inner_text()

    first = page.locator("details.indicator").first
    assert not first.locator("table").is_visible()
    first.locator("summary").click()
    assert first.locator("table").is_visible()
    screenshot(page, "dashboard-desktop")

    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_dashboard_fits_a_phone(mobile_page, login, demo_with_values, screenshot):
    login(mobile_page, "gugustugas")
    mobile_page.goto("/dashboard/")
    assert mobile_page.locator("#headline-self .total").is_visible()
    mobile_page.locator("details.indicator").first.locator("summary").click()
    assert _no_horizontal_scroll(mobile_page)
    screenshot(mobile_page, "dashboard-phone")


def test_print_layout_hides_the_filters(page, login, demo_with_values, screenshot):
    login(page, "gugustugas")
    page.goto("/dashboard/")
    page.emulate_media(media="print")
    assert not page.locator(".dash-filters").is_visible()
    assert page.locator("svg.cluster-bar").first.is_visible()
    screenshot(page, "dashboard-print")


def test_operator_gets_a_friendly_refusal(page, login, demo_with_values):
    login(page, "operator.dinkes")
    page.goto("/dashboard/")
    with page.expect_navigation():
        page.get_by_role("link", name="Kembali ke beranda").click()
    assert page.url.endswith("/")

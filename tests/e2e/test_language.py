"""A person switches the interface between Indonesian and English with the navbar form."""

import pytest

from clusters.models import Item
from indicators.models import Agency, Period
from indicators.selectors.workspace import agency_items
from indicators.views.workspace import item_url

pytestmark = pytest.mark.django_db(transaction=True)


def switch_language(page, language, button):
    page.get_by_label("Bahasa" if button == "Ganti" else "Language").select_option(label=language)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_operator_switches_to_english_and_back(page, login, demo_with_values, screenshot):
    login(page, "operator.dinkes")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("button", name="Keluar").is_visible()

    switch_language(page, "English", "Ganti")
    screenshot(page, "language-home-english")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/")  # the form brings the person back to the page they were on
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("heading", name="Items assigned to the OPD").is_visible()
    assert page.locator(".counters").inner_text().count("submitted") == 1

    with page.expect_navigation():
        page.locator(".item-link").first.click()
    assert page.get_by_role("heading", name="About this item").is_visible()

    switch_language(page, "Bahasa Indonesia", "Change")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", name="Tentang butir ini").is_visible()


def one_line_tall(page, name):
    """Whether a button's text takes a single line (wrapped text makes it taller)."""
    return page.get_by_role("button", name=name).evaluate(
        """b => { const s = getComputedStyle(b);
                  const padding = parseFloat(s.paddingTop) + parseFloat(s.paddingBottom);
                  return b.clientHeight - padding < 1.5 * parseFloat(s.lineHeight); }"""
    )


def test_percentage_preview_follows_the_chosen_language(page, login, demo, screenshot):
    agency = Agency.objects.get(code="DINKES")
    item = agency_items(agency, Period.objects.get(locked=False)).filter(kind=Item.Kind.PERCENT)[0]
    login(page, "operator.dinkes")
    switch_language(page, "English", "Ganti")
    page.goto(item_url(agency, item.code))
    page.get_by_label("Numerator").fill("30")
    page.get_by_label("Denominator").fill("20")
    screenshot(page, "language-item-english")
    assert page.locator("#percent-output").inner_text() == "150.00% (numerator > denominator)"


def test_language_switch_stays_on_one_line_on_a_phone(mobile_page, login, demo, screenshot):
    page = mobile_page
    login(page, "operator.dinkes")
    screenshot(page, "language-navbar-phone")
    assert one_line_tall(page, "Ganti")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    switch_language(page, "English", "Ganti")
    screenshot(page, "language-navbar-phone-english")
    assert one_line_tall(page, "Change")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def same_row(page, first, second):
    """Whether two buttons sit on one row of the navbar (their vertical centres align)."""
    a = page.get_by_role("button", name=first).bounding_box()
    b = page.get_by_role("button", name=second).bounding_box()
    return abs((a["y"] + a["height"] / 2) - (b["y"] + b["height"] / 2)) < 4


def test_sign_out_stays_beside_the_language_switch_on_a_phone(mobile_page, login, demo, screenshot):
    page = mobile_page
    login(page, "operator.dinkes")
    screenshot(page, "navbar-phone-sign-out")
    assert same_row(page, "Ganti", "Keluar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    switch_language(page, "English", "Ganti")
    screenshot(page, "navbar-phone-sign-out-english")
    assert same_row(page, "Change", "Sign out")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_wide_screen_still_shows_who_is_signed_in(page, login, demo):
    login(page, "operator.dinkes")
    assert page.get_by_text("operator.dinkes", exact=True).is_visible()

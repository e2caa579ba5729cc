"""The token page and the API documentation in Chromium, under the portal's CSP."""

import re

import pytest
from playwright.sync_api import expect

from api.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_creates_and_revokes_a_token(page, login, operator, screenshot):
    login(page, "operator.dinkes")
    page.get_by_role("link", name="Token API").click()
    page.get_by_label("Nama token").fill("Sistem gizi Dinkes")
    page.get_by_label("Cakupan").select_option("write")
    page.get_by_role("button", name="Buat token").click()
    shown = page.get_by_label("Token baru").input_value()
    assert re.fullmatch(r"kla_[\w-]{40,}", shown)
    screenshot(page, "api-token-created")
    page.get_by_role("button", name="Cabut").click()
    expect(page.get_by_text("dicabut").first).to_be_visible()
    assert ApiToken.objects.get(user=operator).revoked_at is not None
    screenshot(page, "api-token-revoked")


def test_the_documentation_page_renders_under_the_csp(page, login, operator, screenshot):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    login(page, "operator.dinkes")
    page.goto("/api/docs/")
    page.get_by_text("Portal KLA API").first.wait_for()
    page.get_by_text("/api/v1/periods/{id}/values/").first.wait_for()
    screenshot(page, "api-docs")
    assert not refused, refused

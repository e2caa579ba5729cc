"""A person logs in through the real login form in Chromium."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_logs_in_and_reaches_home(page, login, operator, live_server):
    login(page, "operator.dinkes")
    assert page.url == f"{live_server.url}/"
    assert "operator.dinkes" in page.content()
    assert "Beranda" in page.title()


def test_wrong_password_says_so(page, login, operator):
    login(page, "operator.dinkes", "wrong-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").is_visible()

"""Accounts under attack: lockouts per client, the login throttle, password change and reset."""

import re
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse

from kla_portal.client_address import trusted_proxies_parse
from tests.conftest import PASSWORD

NGINX = "127.0.0.1"  # the test client's REMOTE_ADDR: every request comes "through the proxy"


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = trusted_proxies_parse(NGINX)


def login(client, username, password, client_ip=None, url="/accounts/login/", **extra):
    headers = {"HTTP_X_FORWARDED_FOR": client_ip} if client_ip else {}
    return client.post(url, {"username": username, "password": password, **extra}, **headers)


@pytest.fixture
def hashing():
    """Counts every password hash computed (checked or made), whatever the caller."""
    calls = []
    real_encode, real_verify = MD5PasswordHasher.encode, MD5PasswordHasher.verify

    def encode(self, *args, **kwargs):
        calls.append("encode")
        return real_encode(self, *args, **kwargs)

    def verify(self, *args, **kwargs):
        calls.append("verify")
        return real_verify(self, *args, **kwargs)

    with (
        mock.patch.object(MD5PasswordHasher, "encode", encode),
        mock.patch.object(MD5PasswordHasher, "verify", verify),
    ):
        yield calls


# Point 5: lockouts are per user name and client address, the client seen behind the proxy.


def test_failures_from_one_client_behind_the_proxy_do_not_lock_the_user_elsewhere(
    client, operator, behind_nginx, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, operator.username, "salah", client_ip="203.0.113.66")
    assert login(client, operator.username, PASSWORD, client_ip="203.0.113.66").status_code == 429
    client.logout()
    response = login(client, operator.username, PASSWORD, client_ip="198.51.100.20")
    assert response.status_code == 302 and response["Location"] == reverse("indicators:home")
    (attempt,) = AccessAttempt.objects.all()
    assert (attempt.username, attempt.ip_address) == (operator.username, "203.0.113.66")


def test_a_visitor_cannot_dodge_the_lockout_with_a_forged_header(client, operator, settings):
    settings.TRUSTED_PROXIES = ()  # nothing trusted: X-Forwarded-For is the visitor's own text
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(client, operator.username, "salah", client_ip=f"192.0.2.{number}")
    response = login(client, operator.username, PASSWORD, client_ip="192.0.2.200")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


# Point 6: a flood of failures from one address is refused before any hashing.


def test_after_the_limit_an_address_is_refused_without_hashing_a_password(
    client, demo, behind_nginx, settings, hashing
):
    settings.LOGIN_THROTTLE_FAILURES = 3
    for number in range(3):  # a different user name each time: axes alone would not stop this
        assert login(client, f"tebakan{number}", "salah", "203.0.113.9").status_code == 200
    assert hashing  # the failures cost a hash each
    hashing.clear()
    refused = login(client, "operator.dinkes", PASSWORD, "203.0.113.9")
    assert refused.status_code == 429
    assert hashing == []
    page = refused.content.decode()
    assert "Terlalu banyak percobaan" in page and re.search(r"Coba lagi dalam \d+ menit", page)
    assert "_auth_user_id" not in client.session


def test_the_throttle_of_one_address_leaves_other_addresses_alone(
    client, operator, behind_nginx, settings
):
    settings.LOGIN_THROTTLE_FAILURES = 3
    for number in range(4):
        login(client, f"tebakan{number}", "salah", "203.0.113.9")
    response = login(client, operator.username, PASSWORD, "198.51.100.20")
    assert response.status_code == 302


def test_the_admin_login_shares_the_throttle(client, superuser, behind_nginx, settings, hashing):
    settings.LOGIN_THROTTLE_FAILURES = 2
    for number in range(2):
        login(client, f"tebakan{number}", "salah", "203.0.113.9", url="/admin/login/")
    hashing.clear()
    response = login(client, "admin", PASSWORD, "203.0.113.9", url="/admin/login/")
    assert response.status_code == 429 and hashing == []


def test_successful_logins_do_not_count_against_the_address(client, operator, settings):
    settings.LOGIN_THROTTLE_FAILURES = 2
    for _ in range(4):
        assert login(client, operator.username, PASSWORD).status_code == 302
        client.logout()


# Point 8: a wrong old password on the password change pages counts like a failed login.

CHANGE_PAGES = {"portal": "/accounts/password_change/", "admin": "/admin/password_change/"}


def change_password(client, url, old, new="kata-sandi-baru-yang-panjang-2026"):
    return client.post(url, {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize("page", sorted(CHANGE_PAGES))
def test_wrong_old_passwords_lock_the_password_change_like_logins(client, verifier, settings, page):
    client.force_login(verifier)
    url = CHANGE_PAGES[page]
    answers = [
        change_password(client, url, "salah").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1] == 429
    assert AccessAttempt.objects.get(username=verifier.username).failures_since_start == 5
    # Locked: even the right old password is refused, and the password stays as it was.
    assert change_password(client, url, PASSWORD).status_code == 429
    verifier.refresh_from_db()
    assert verifier.check_password(PASSWORD)


def test_the_right_old_password_still_changes_it(client, operator):
    client.force_login(operator)
    response = change_password(client, CHANGE_PAGES["portal"], PASSWORD)
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password("kata-sandi-baru-yang-panjang-2026")


# Point 7: a real reset flow, linked from the login page, throttled, saying nothing of who exists.


def test_the_login_page_links_to_the_indonesian_reset_page(client, demo):
    page = client.get("/accounts/login/").content.decode()
    assert reverse("password_reset") in page and "Lupa kata sandi?" in page
    form = client.get(reverse("password_reset")).content.decode()
    assert "Lupa kata sandi" in form and "Kirim tautan" in form


def test_a_reset_mail_in_indonesian_leads_to_a_new_password(client, operator):
    response = client.post(reverse("password_reset"), {"email": operator.email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == [operator.email]
    assert message.subject == "Membuat kata sandi baru Portal KLA"
    assert "Yth. operator.dinkes" in message.body and "satu jam" in message.body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Buat kata sandi baru" in form.content.decode()
    new = "kata-sandi-baru-yang-panjang-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    operator.refresh_from_db()
    assert operator.check_password(new)


def test_a_new_password_from_the_reset_mail_lifts_the_lockout(client, operator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, operator.username, "salah")
    locked = login(client, operator.username, PASSWORD)
    assert locked.status_code == 429
    assert reverse("password_reset") in locked.content.decode()  # the way out is offered
    client.post(reverse("password_reset"), {"email": operator.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "kata-sandi-baru-yang-panjang-2026"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert login(client, operator.username, new).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, operator):
    known = client.post(reverse("password_reset"), {"email": operator.email})
    unknown = client.post(reverse("password_reset"), {"email": "siapa@example.invalid"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [[operator.email]]


def test_reset_mails_per_email_address_are_capped_silently(client, operator, settings):
    settings.RESET_THROTTLE_PER_EMAIL = 2
    settings.RESET_THROTTLE_PER_ADDRESS = 10
    answers = [
        client.post(reverse("password_reset"), {"email": operator.email.upper()}) for _ in range(4)
    ]
    assert {a.status_code for a in answers} == {302}  # the same answer every time
    assert len(mail.outbox) == 2


def test_reset_requests_per_client_address_are_refused_with_the_wait(
    client, operator, behind_nginx, settings
):
    settings.RESET_THROTTLE_PER_ADDRESS = 2
    for number in range(2):
        client.post(reverse("password_reset"), {"email": f"x{number}@example.invalid"},
                    HTTP_X_FORWARDED_FOR="203.0.113.9")  # fmt: skip
    refused = client.post(
        reverse("password_reset"), {"email": operator.email}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert refused.status_code == 429 and "Coba lagi dalam" in refused.content.decode()
    assert mail.outbox == []
    other = client.post(
        reverse("password_reset"), {"email": operator.email}, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert other.status_code == 302 and len(mail.outbox) == 1

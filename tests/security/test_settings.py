"""Production settings: secrets required, deploy checks clean, headers, sessions, throttling."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(50)


def run_python(*argv: str, **environ) -> subprocess.CompletedProcess:
    """Run our interpreter in a fresh process with only the given environment (no test settings)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "kla_portal.settings",
        # A mail server, as production needs (nothing connects to it at start-up).
        "EMAIL_URL": "smtp://mail.example.invalid:25",
        **environ,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def run_django(code: str, **environ) -> subprocess.CompletedProcess:
    return run_python("-c", code, **environ)


def manage(*args, **environ) -> subprocess.CompletedProcess:
    return run_python("manage.py", *args, **environ)


SETUP = "import django; django.setup(); print('started')"


def test_production_refuses_to_start_without_secret_key():
    result = run_django(SETUP)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def test_manage_py_refuses_to_run_the_server_or_checks_without_a_key():
    for command in ("check", "runserver"):
        result = manage(command)
        assert result.returncode != 0, command
        assert "SECRET_KEY is not set" in result.stderr


def test_schema_only_commands_run_without_a_key_on_a_fresh_checkout():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_production_refuses_the_development_key():
    result = run_django(SETUP, SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0
    assert "development key" in result.stderr


def test_production_starts_with_a_real_key():
    result = run_django(SETUP, SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_may_use_the_development_key():
    result = run_django(
        SETUP + "; from django.conf import settings; print(settings.SECRET_KEY)", DEBUG="on"
    )
    assert result.returncode == 0, result.stderr
    assert settings.DEVELOPMENT_SECRET_KEY in result.stdout


def test_deploy_check_is_clean_with_https_on():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="kla.balikpapan.go.id",
        HTTPS="on",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_make_cookies_secure_and_sessions_expire():
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "SESSION_COOKIE_AGE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
    ]
    code = (
        SETUP
        + f"; from django.conf import settings as s; print([getattr(s, n) for n in {names!r}])"
    )
    result = run_django(code, SECRET_KEY=STRONG_KEY)  # HTTPS defaults to on when DEBUG is off
    assert result.returncode == 0, result.stderr
    values = dict(zip(names, eval(result.stdout.splitlines()[-1]), strict=True))  # noqa: S307
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"


PAGES = ["/accounts/login/", "/admin/login/", "/healthz"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_every_kind_of_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_login_pages_carry_no_inline_script(client, url):
    html = client.get(url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I)
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), "inline event handler"


LOGIN_PAGES = {
    "portal": ("/accounts/login/", {}),
    "admin": ("/admin/login/", {"next": "/admin/"}),
}


@pytest.mark.parametrize("page", sorted(LOGIN_PAGES))
def test_sixth_bad_password_is_locked_out_in_indonesian(client, operator, superuser, page):
    url, extra = LOGIN_PAGES[page]
    username = "admin" if page == "admin" else operator.username
    answers = [
        client.post(url, {"username": username, "password": "salah", **extra})
        for _ in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert [r.status_code for r in answers[: settings.AXES_FAILURE_LIMIT - 1]] == [200] * (
        settings.AXES_FAILURE_LIMIT - 1
    )
    locked = answers[-1]
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    # Even the right password is refused while the lockout lasts.
    right = client.post(url, {"username": username, "password": PASSWORD, **extra})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_users_can_still_log_in_during_a_lockout(client, operator, other_operator):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/accounts/login/", {"username": operator.username, "password": "salah"})
    response = client.post(
        "/accounts/login/", {"username": other_operator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:home")


@pytest.mark.parametrize("email_url", ["consolemail://", "filemail:///tmp/kla-mail"])
def test_production_refuses_mail_that_is_never_delivered(email_url):
    result = run_django(SETUP, SECRET_KEY=STRONG_KEY, EMAIL_URL=email_url)
    assert result.returncode != 0
    assert "EMAIL_URL sends no mail" in result.stderr and "EMAIL_ALLOW_CONSOLE" in result.stderr
    assert "started" not in result.stdout


def test_console_mail_is_allowed_when_asked_for_or_in_development():
    allowed = run_django(
        SETUP, SECRET_KEY=STRONG_KEY, EMAIL_URL="consolemail://", EMAIL_ALLOW_CONSOLE="on"
    )
    assert allowed.returncode == 0, allowed.stderr
    development = run_django(SETUP, DEBUG="on", EMAIL_URL="consolemail://")
    assert development.returncode == 0, development.stderr


def test_a_bad_trusted_proxies_value_stops_the_start_up():
    result = run_django(SETUP, SECRET_KEY=STRONG_KEY, TRUSTED_PROXIES="127.0.0.1,nginx")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an IP address or network" in result.stderr


def test_trusted_proxies_are_read_from_the_environment():
    code = SETUP + "; from django.conf import settings as s; print(s.TRUSTED_PROXIES)"
    result = run_django(code, SECRET_KEY=STRONG_KEY, TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    assert result.returncode == 0, result.stderr
    assert "IPv4Network('127.0.0.1/32'), IPv4Network('10.0.0.0/8')" in result.stdout
    unset = run_django(code, SECRET_KEY=STRONG_KEY)
    assert unset.stdout.splitlines()[-1] == "()"

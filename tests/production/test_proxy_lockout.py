"""A real gunicorn behind a proxy address: lockouts follow the client, not the proxy.

gunicorn listens on loopback and 127.0.0.1 is the trusted proxy, so each test "client" is a
requests session sending the X-Forwarded-For that nginx would have written for it.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.production.conftest import closed_port

ROOT = Path(__file__).resolve().parents[2]
CREATE_USER = (
    "import django; django.setup(); from django.contrib.auth import get_user_model; "
    f"get_user_model().objects.create_user('operator.dinkes', password={PASSWORD!r})"
)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """gunicorn with DEBUG off and TRUSTED_PROXIES=127.0.0.1, on SQLite with one user."""
    base = tmp_path_factory.mktemp("proxied")
    port = closed_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kla_portal.settings",
        "DEBUG": "off",
        "HTTPS": "off",
        "SECRET_KEY": "proxy-test-secret-key-that-is-long-enough-for-django-checks-12345",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_ALLOW_CONSOLE": "on",
        "TRUSTED_PROXIES": "127.0.0.1",
        "STATIC_ROOT": str(base / "static"),
        "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    env.pop("REDIS_URL", None)
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)  # noqa: S603
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], **run)  # noqa: S603
    subprocess.run([sys.executable, "-c", CREATE_USER], **run)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603 - the virtualenv's gunicorn
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            requests.get(url + "/healthz", timeout=5)
            break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("gunicorn did not answer:\n" + server.communicate(timeout=10)[0])
    try:
        yield url
    finally:
        server.terminate()
        server.communicate(timeout=30)


def visitor(address: str) -> requests.Session:
    """A browser at `address`, as nginx on 127.0.0.1 would pass it on."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    return session


def login(session, url, password):
    page = session.get(url + "/accounts/login/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return session.post(
        url + "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": "operator.dinkes", "password": password},
        allow_redirects=False,
        timeout=30,
    )


def test_five_failures_from_one_client_lock_only_that_client(proxied):
    attacker, owner = visitor("203.0.113.66"), visitor("198.51.100.20")
    answers = [login(attacker, proxied, "salah").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    assert login(attacker, proxied, PASSWORD).status_code == 429
    # The same user from another client behind the same proxy is not locked out.
    response = login(owner, proxied, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"

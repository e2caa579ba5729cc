"""A real gunicorn behind a proxy address: lockouts follow the client, not the proxy.

gunicorn listens on loopback and 127.0.0.1 is the trusted proxy, so each test "client" is a
requests session sending the X-Forwarded-For that nginx would have written for it.
"""

import re
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.production.conftest import closed_port, gunicorn_serving, manage, production_env

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
    env = production_env(base, port, TRUSTED_PROXIES="127.0.0.1", WEB_CONCURRENCY="2")
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "-c", CREATE_USER)
    with gunicorn_serving(env, port) as url:
        yield url


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

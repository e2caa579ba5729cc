"""The production serving path: gunicorn's settings, and a real gunicorn with DEBUG off."""

import gzip
import json
import multiprocessing
import runpy
from pathlib import Path

import pytest
import requests

from tests.production.conftest import closed_port, gunicorn_serving, manage, production_env

ROOT = Path(__file__).resolve().parents[2]
CONF = str(ROOT / "gunicorn.conf.py")


def gunicorn_settings(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "BIND", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONF)


def test_workers_follow_the_cpu_count_and_web_concurrency_caps_them(monkeypatch):
    assert gunicorn_settings(monkeypatch)["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="2")["workers"] == 2
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="999")["workers"] == (
        2 * multiprocessing.cpu_count() + 1
    )


def test_bind_defaults_to_loopback_and_logs_go_to_stdout(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
    assert gunicorn_settings(monkeypatch, BIND="0.0.0.0:9000")["bind"] == "0.0.0.0:9000"
    assert "logconfig_dict" in gunicorn_settings(monkeypatch, LOG_FORMAT="json")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """collectstatic and migrate, then gunicorn with DEBUG off on a free loopback port (the
    login page names the region, so it reads the database like every real server's)."""
    base = tmp_path_factory.mktemp("serve")
    port = closed_port()
    env = production_env(base, port)
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    with gunicorn_serving(env, port) as url:
        yield url, base / "static"


def test_gunicorn_answers_pages_with_debug_off(served):
    url, _ = served
    response = requests.get(url + "/healthz", timeout=10)
    assert response.status_code == 200 and response.json()["database"] == "ok"
    login = requests.get(url + "/accounts/login/", timeout=10)
    assert login.status_code == 200 and "Content-Security-Policy" in login.headers
    missing = requests.get(url + "/no-such-page/", timeout=10)
    assert missing.status_code == 404 and "Traceback" not in missing.text


def test_static_files_are_served_hashed_compressed_and_cached_forever(served):
    url, static_root = served
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/portal.css"]
    assert hashed != "css/portal.css"
    response = requests.get(
        f"{url}/static/{hashed}", headers={"Accept-Encoding": "gzip"}, timeout=10
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    raw = requests.get(
        f"{url}/static/{hashed}", headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True
    ).raw.read()
    assert gzip.decompress(raw) == (static_root / hashed).read_bytes()
    page = requests.get(url + "/accounts/login/", timeout=10).text
    assert f"/static/{hashed}" in page

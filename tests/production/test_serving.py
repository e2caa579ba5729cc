"""The production serving path: gunicorn's settings, and a real gunicorn with DEBUG off."""

import gzip
import json
import multiprocessing
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.production.conftest import closed_port

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
    """collectstatic, then gunicorn with DEBUG off on a free loopback port (no database needed)."""
    base = tmp_path_factory.mktemp("serve")
    port = closed_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kla_portal.settings",
        "DEBUG": "off",
        "HTTPS": "off",
        "SECRET_KEY": "serving-test-secret-key-that-is-long-enough-for-django-checks-1234",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_ALLOW_CONSOLE": "on",  # on loopback, like make serve
        "STATIC_ROOT": str(base / "static"),
        "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 - the virtualenv's gunicorn
        [str(bin_dir / "gunicorn"), "-c", CONF],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a busy 2-core machine may boot workers slowly
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
        yield url, base / "static"
    finally:
        server.terminate()
        server.communicate(timeout=30)


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

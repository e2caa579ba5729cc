"""Fixtures for the production setup: the local Redis, gunicorn on loopback, closed ports."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests

from indicators.models import Evidence
from kla_portal.settings import redis_caches
from tests.conftest import PDF, attach_evidence

REDIS_URL = os.environ.get("KLA_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url():
    """The local Redis (a DB of its own); CI must have it, elsewhere its absence skips."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        message = f"Redis at {REDIS_URL} is unreachable ({exc}); start redis-server to run this"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


@pytest.fixture
def redis_cache(settings, redis_url):
    """Cache and sessions on the local Redis under a prefix of this test's own, removed after."""
    prefix = f"kla-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = redis_caches(redis_url, key_prefix=prefix)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.REDIS_URL = redis_url
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def evidence_for(submission, content=PDF) -> Evidence:
    return attach_evidence(submission, name="sk-gugus-tugas.pdf", content=content)


def production_env(base: Path, port: int, **extra: str) -> dict[str, str]:
    """The environment of `make serve`: DEBUG off, plain HTTP on loopback, SQLite under `base`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kla_portal.settings",
        "DEBUG": "off",
        "HTTPS": "off",
        "SECRET_KEY": "production-test-secret-key-that-is-long-enough-for-django-checks",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_ALLOW_CONSOLE": "on",  # on loopback, like make serve
        "STATIC_ROOT": str(base / "static"),
        "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        **extra,
    }
    env.pop("REDIS_URL", None)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    """Run a manage.py command (or `-c CODE`) of this checkout with the given environment."""
    command = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


@contextlib.contextmanager
def gunicorn_serving(env: dict[str, str], port: int):
    """gunicorn with the project's config, answering on /healthz; stopped on leaving."""
    server = subprocess.Popen(  # noqa: S603 - the virtualenv's gunicorn
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
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
        yield url
    finally:
        server.terminate()
        server.communicate(timeout=30)

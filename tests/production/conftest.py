"""Fixtures for the production setup: the local Redis, a draft to work on, closed ports."""

import os
import socket
import uuid

import pytest
import redis

from indicators.models import Evidence
from kla_portal.settings import redis_caches
from tests.conftest import PDF, attach_evidence

REDIS_URL = os.environ.get("KLA_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


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

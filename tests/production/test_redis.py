"""Cache and sessions on the local Redis, as production runs with REDIS_URL set."""

import redis
from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD


def test_cache_set_get_and_incr_reach_redis(redis_cache, redis_url):
    cache.set("greeting", {"kota": "Balikpapan"}, timeout=60)
    assert cache.get("greeting") == {"kota": "Balikpapan"}
    cache.set("counter", 41)
    assert cache.incr("counter") == 42
    stored = redis.Redis.from_url(redis_url).keys(f"{redis_cache}:*")
    assert sorted(stored) == sorted(
        [f"{redis_cache}:1:greeting".encode(), f"{redis_cache}:1:counter".encode()]
    )


def test_a_session_survives_a_round_trip_through_redis(redis_cache):
    session = SessionStore()
    session["region"] = "balikpapan"
    session.create()
    assert SessionStore(session_key=session.session_key)["region"] == "balikpapan"


def test_a_logged_in_visitor_keeps_the_session_in_redis(redis_cache, redis_url, client, operator):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    response = client.post(reverse("login"), {"username": "operator.dinkes", "password": PASSWORD})
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    server = redis.Redis.from_url(redis_url)
    assert server.exists(f"{redis_cache}:1:django.contrib.sessions.cache{key}")
    assert client.get(reverse("indicators:home")).status_code == 200
    client.post(reverse("logout"))
    assert not server.exists(f"{redis_cache}:1:django.contrib.sessions.cache{key}")


def test_one_redis_client_serves_every_call(redis_cache):
    """Django builds a client per call; ours keeps one per connection pool."""
    backend = cache._cache
    first = backend.get_client(write=True)
    cache.set("x", 1)
    assert cache.get("x") == 1
    assert backend.get_client(write=True) is first
    assert backend.get_client(write=False) is backend.get_client(write=False)

"""`/healthz`: 200 when the database (and Redis when configured) answer, 503 otherwise."""

from unittest import mock

from django.db import OperationalError, connections

from kla_portal.settings import redis_caches
from tests.production.conftest import closed_port


def test_healthy_node_answers_200_without_login_in_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_load_balancers_may_probe_with_head_but_not_post(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_database_down_answers_503(client, db):
    refused = OperationalError("connection refused")
    # Patched only around the request: the test database's own teardown needs the cursor.
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


def test_redis_up_is_checked_when_configured(client, db, redis_cache):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_redis_down_answers_503(client, db, settings):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = redis_caches(url)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301

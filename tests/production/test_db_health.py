"""The connection's health check runs after an idle spell only, not on every request."""

from django.db import connection


def _checks(monkeypatch):
    calls = []
    real = connection.is_usable

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(connection, "is_usable", counted)
    return calls


def test_a_connection_busy_a_moment_ago_is_not_checked_again(client, db, monkeypatch):
    client.get("/healthz")  # the connection has just served a request
    calls = _checks(monkeypatch)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert calls == []


def test_a_connection_idle_for_longer_is_checked_before_its_first_query(
    client, db, monkeypatch, settings
):
    client.get("/healthz")
    settings.DB_HEALTH_CHECK_IDLE_SECONDS = 10
    connection.kla_last_request -= 11  # as if it had waited 11 s for this request
    calls = _checks(monkeypatch)
    assert client.get("/healthz").status_code == 200
    assert calls == [1]
    assert client.get("/healthz").status_code == 200
    assert calls == [1]  # and trusted again just after

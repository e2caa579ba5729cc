"""The persistent connection's health check (a `SELECT 1`), only where it pays.

Django's `CONN_HEALTH_CHECKS` checks a reused connection before its first query of every
request: a round trip per page. A connection that served a request a moment ago is known to
work; one idle for longer (a database restart, a firewall dropping idle connections) is checked
first, so the page gets a new connection instead of an error. A connection that dies within the
last `DB_HEALTH_CHECK_IDLE_SECONDS` fails that one request; Django then closes it (an error
marks it for the check at the request's end).
"""

import time

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections
from django.dispatch import receiver


@receiver(request_started, dispatch_uid="kla-db-health-check")
def _check_only_idle_connections(**kwargs):
    idle = settings.DB_HEALTH_CHECK_IDLE_SECONDS
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        last = getattr(connection, "kla_last_request", None)
        # Django reads CONN_HEALTH_CHECKS at connect and resets `health_check_done` at each
        # request's start (just before this, except under the test client): the per-request
        # switch is ours.
        connection.health_check_enabled = last is None or now - last > idle
        if connection.health_check_enabled:
            connection.health_check_done = False


@receiver(request_finished, dispatch_uid="kla-db-last-request")
def _remember_the_last_request(**kwargs):
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            connection.kla_last_request = now

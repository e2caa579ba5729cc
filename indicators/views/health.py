"""The health check a load balancer calls every few seconds."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("kla.health")


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    # A read of a missing key: one round trip, nothing written on every probe.
    cache.get("healthz")


def _storage():
    storage = storages["evidence"]
    storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)


def _checks():
    """The backing services this node needs: the database always, the rest when configured."""
    checks = {"database": _database}
    if settings.REDIS_URL:
        checks["cache"] = _cache
    if settings.EVIDENCE_S3_BUCKET:
        checks["storage"] = _storage
    return checks


@require_safe
@never_cache
def healthz(request):
    """200 with a small JSON body when every backing service answers, 503 otherwise; no login."""
    results = {}
    for name, check in _checks().items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure to reach a service makes the node unhealthy
            logger.error(
                "health check %s failed: %s",
                name,
                exc.__class__.__name__,
                extra={"event": "health", "check": name, "error": exc.__class__.__name__},
            )
            results[name] = "error"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **results}, status=200 if healthy else 503
    )

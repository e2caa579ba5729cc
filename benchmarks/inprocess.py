"""The service time of a page in this process: Django's WSGI handler called directly, no
gunicorn, no socket, no wrk; median of N requests (after two to warm), with the spread.

This is what a page costs the CPU, without the queueing that wrk's latency adds on 2 cores.
"""

import statistics
import time

from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory


def _environ(path: str, cookie: str | None, cold: bool) -> dict:
    route, _, query = path.partition("?")
    headers = {"HTTP_HOST": "127.0.0.1", "QUERY_STRING": query}
    if cookie:
        headers["HTTP_COOKIE"] = cookie
    if cold:
        headers["HTTP_X_BENCH_COLD"] = "1"
    return RequestFactory().get(route, **headers).environ


def service_time(path: str, *, cookie: str | None, cold: bool = False, requests: int = 21):
    """Median, fastest and slowest milliseconds of `requests` GETs, and the status seen."""
    handler = WSGIHandler()
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(int(status.split()[0]))

    def once() -> float:
        environ = _environ(path, cookie, cold)
        started = time.perf_counter()
        response = handler(environ, start_response)
        b"".join(response)
        response.close()  # request_finished: connections are checked as in gunicorn
        return (time.perf_counter() - started) * 1000

    once(), once()
    times = [once() for _ in range(requests)]
    return {
        "p50_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "requests": requests,
        "status": statuses[-1],
    }

"""Bench-only: a request sent with `X-Bench-Cold: 1` first makes a real write, so the page it
asks for is the first request after a write (its cached content and scores are stale).

The write is what a draft save does to the data version: one UPDATE of a submission (of another
region, so the page's own rows stay as they are), committed at once, which the connection's
watcher (kla_portal/versions.py) turns into a version bump. Its own cost is measured alone as
the "bench write" page, so a cold page's time can be read without it.
"""

import os

from django.db.models import F
from django.http import HttpResponse

HEADER = "HTTP_X_BENCH_COLD"


def cold_write() -> None:
    from indicators.models import Submission

    pk = int(os.environ["BENCH_COLD_SUBMISSION"])
    Submission.objects.filter(pk=pk).update(updated_at=F("updated_at"))


class ColdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get(HEADER) == "1":
            cold_write()
        return self.get_response(request)


def bench_write(request):
    """The write alone: what `X-Bench-Cold` adds to a page."""
    cold_write()
    return HttpResponse(b"ok", content_type="text/plain")

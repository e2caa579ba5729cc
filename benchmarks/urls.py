"""The portal's routes plus the floors every page is measured against: `/bench/trivial`, the
same signed in, and `/bench/write` (the cold runs' write alone)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from benchmarks.cold import bench_write
from kla_portal.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    """A tiny response through the same middleware as every page: Django's own floor."""
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def trivial_signed_in(request):
    """The floor of a signed-in page: the session and the user loaded, nothing else."""
    return HttpResponse(f"ok {request.user.pk}".encode(), content_type="text/plain")


urlpatterns = [
    path("bench/trivial", trivial, name="bench-trivial"),
    path("bench/trivial-signed-in", trivial_signed_in, name="bench-trivial-signed-in"),
    path("bench/write", bench_write, name="bench-write"),
    *portal_urlpatterns,
]

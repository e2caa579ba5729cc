"""The portal's routes plus `/bench/trivial`, the floor every page is measured against."""

from django.http import HttpResponse
from django.urls import path

from kla_portal.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    """A tiny response through the same middleware as every page: Django's own floor."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial, name="bench-trivial"), *portal_urlpatterns]

"""Request limits: per token user for the API, per client address for the open data."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from kla_portal.client_address import client_address


class LiveRates:
    """Read the rate from the settings when asked (DRF binds them once, at import)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class PerUser(LiveRates, UserRateThrottle):
    """Per signed-in user; a request without a user counts against its client address."""

    def get_ident(self, request):
        return client_address(request) or "unknown"


class TokenUserThrottle(PerUser):
    """Requests per user, whatever token they use (rate `api` in REST_FRAMEWORK)."""

    scope = "api"


class WriteThrottle(PerUser):
    """Writes per user (rate `api_write`): imports and uploads are the heavy requests."""

    scope = "api_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class OpenDataThrottle(LiveRates, SimpleRateThrottle):
    """Anonymous open-data requests per client address, behind the trusted proxies only."""

    scope = "open_data"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

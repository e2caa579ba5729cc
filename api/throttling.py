"""Request limits: per token user for the API, per client address for the open data."""

from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from kla_portal.client_address import client_address


class TokenUserThrottle(UserRateThrottle):
    """Requests per user, whatever token they use (rate `api` in REST_FRAMEWORK)."""

    scope = "api"


class WriteThrottle(UserRateThrottle):
    """Writes per user (rate `api_write`): imports and uploads are the heavy requests."""

    scope = "api_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class OpenDataThrottle(SimpleRateThrottle):
    """Anonymous open-data requests per client address, behind the trusted proxies only."""

    scope = "open_data"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

"""Token authentication: `Authorization: Bearer kla_...`, looked up by its hash."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.models import ApiToken, token_digest

KEYWORDS = ("bearer", "token")
MAX_TOKEN_LENGTH = 200


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal API token acts as its user, within its scope, until it expires or is revoked."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in KEYWORDS:
            return None
        if len(header) != 2 or len(header[1]) > MAX_TOKEN_LENGTH:
            raise exceptions.AuthenticationFailed(
                _("Header Authorization harus berbentuk 'Bearer <token>'.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Token tidak valid.")) from None
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token tidak valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token ini sudah dicabut."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Token ini sudah kedaluwarsa."))
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            # At most one write a minute per token; an update adds no audit record.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

"""What a request may do with its token: read-only tokens only read."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken


class TokenScope(permissions.BasePermission):
    """Safe methods for any token; anything else needs a read-write token."""

    message = _("Token ini hanya untuk membaca: buat token baca-tulis untuk mengirim data.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return isinstance(request.auth, ApiToken) and request.auth.can_write


class SignedIn(permissions.IsAuthenticated):
    message = _("Masuk dengan token API (Authorization: Bearer <token>).")

"""Personal API tokens (stored hashed) and the open-data releases a region's verifier makes."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Period

TOKEN_PREFIX = "kla_"  # noqa: S105 - the visible start of every token, not a secret


def token_digest(raw: str) -> str:
    """The stored form of a token: SHA-256 of the whole text.

    A token is 32 random bytes, so a fast hash is enough (nothing to guess from a leaked
    digest), and the lookup stays one indexed query instead of a slow hash per request.
    """
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiToken(models.Model):
    """A user's personal API token: acts with exactly its user's permissions and regions."""

    class Scope(models.TextChoices):
        READ = "read", _("Hanya baca")
        WRITE = "write", _("Baca dan tulis")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nama"), max_length=80)
    scope = models.CharField(_("cakupan"), max_length=5, choices=Scope.choices)
    # The first characters, shown in lists so the owner can tell tokens apart.
    prefix = models.CharField(_("awalan"), max_length=12, editable=False)
    digest = models.CharField(_("sidik"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    # Written with a queryset update on use, so it adds no audit record per request.
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str, scope: str, expires_at) -> tuple[ApiToken, str]:
        """A new token for the user and its text, which is shown once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name.strip()[:80],
            scope=scope,
            prefix=raw[:12],
            digest=token_digest(raw),
            expires_at=expires_at,
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class OpenDataRelease(models.Model):
    """A period's aggregate scores published as open data by its region's verifier.

    Its existence is the published flag: unpublishing deletes it (the history keeps both).
    """

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="open_data")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("diterbitkan"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("rilis data terbuka")
        verbose_name_plural = _("rilis data terbuka")

    def __str__(self):
        return str(self.period)

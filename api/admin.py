"""The API's records in the admin, for superusers: tokens (read, revoke) and open-data releases.

Verifiers publish and withdraw through the API (`PUT`/`DELETE periods/{id}/open-data/`); the
admin shows the audit trail. Nobody adds a token here: its text would have to be shown.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import services
from api.models import ApiToken, OpenDataRelease
from kla_portal.history_admin import ReadOnlyHistoryAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "user", "prefix", "scope", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("scope",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = (
        "user",
        "name",
        "scope",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    exclude = ("digest",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Cabut token terpilih"))
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            services.token_revoke(token=token)
        messages.success(
            request,
            ngettext("%(n)d token dicabut.", "%(n)d token dicabut.", len(tokens))
            % {"n": len(tokens)},
        )


@admin.register(OpenDataRelease)
class OpenDataReleaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("period", "published_by", "published_at")
    readonly_fields = ("period", "published_by", "published_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""The API's writes: a push of values through the import, tokens, open-data releases.

The import's rules are `indicators.services.importing` (all or nothing, row errors, dry run,
approved rows replaced only when asked); what is added here is who may push what: an operator
pushes their own agencies' values as submitted while the period is open, and never replaces a
reviewer's approval; a verifier of the region pushes any of its agencies' values, as the
admin import does (with the evidence rule).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken, OpenDataRelease
from indicators import access, roles
from indicators.models import Period, Submission
from indicators.services import workflow
from indicators.services.import_changes import ImportPlan
from indicators.services.importing import ImportRejected, RowError, values_import

MAX_TOKEN_DAYS = 366


def values_push(
    *,
    user,
    period: Period,
    rows: list[dict],
    agency: str = "",
    status: str = Submission.Status.SUBMITTED,
    dry_run: bool = False,
    replace_approved: bool = False,
) -> ImportPlan:
    """Import the rows into the period as the user, with the import's rules, all or nothing."""
    if agency:
        rows = [{**row, "agency": row.get("agency") or agency} for row in rows]
    if not roles.is_verifier(user):
        _operator_may_push(user, period, rows, status=status, replace_approved=replace_approved)
    return values_import(
        records=rows,
        filename="api",
        period=period,
        status=status,
        actor=user,
        dry_run=dry_run,
        replace_approved=replace_approved,
    )


def _operator_may_push(user, period, rows, *, status, replace_approved) -> None:
    if not roles.is_operator(user):
        raise PermissionDenied(_("Hanya operator OPD dan verifikator yang dapat mengirim nilai."))
    if status != Submission.Status.SUBMITTED:
        raise PermissionDenied(_("Operator OPD hanya dapat mengirim nilai sebagai diajukan."))
    if replace_approved:
        raise PermissionDenied(
            _("Hanya verifikator yang dapat mengganti isian yang sudah disetujui.")
        )
    if refusal := workflow.period_refusal(period, entry=True):
        raise workflow.WorkflowError(refusal)
    own = {
        a.code.upper() for a in access.operator_agencies(user) if a.region_id == period.region_id
    }
    errors = [
        RowError(
            number,
            "agency",
            _("OPD '%(code)s' bukan OPD Anda") % {"code": row.get("agency")},
        )
        for number, row in enumerate(rows, start=2)
        if row.get("agency") and str(row["agency"]).strip().upper() not in own
    ]
    if errors:
        raise ImportRejected(errors)


def token_create(*, user, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new personal token valid for `days` (1 to 366); its text is returned once."""
    days = max(1, min(int(days), MAX_TOKEN_DAYS))
    expires = timezone.now() + datetime.timedelta(days=days)
    return ApiToken.issue(user=user, name=name, scope=scope, expires_at=expires)


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke the token now (kept, with its history, for the audit)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def open_data_publish(*, period: Period, actor) -> OpenDataRelease:
    """Publish the period's aggregate scores as open data (idempotent)."""
    Period.objects.select_for_update().filter(pk=period.pk).first()
    release, _created = OpenDataRelease.objects.get_or_create(
        period=period, defaults={"published_by": actor}
    )
    return release


@transaction.atomic
def open_data_unpublish(*, period: Period, actor) -> None:
    """Withdraw the period from the open data (idempotent); the history records who did it."""
    for release in OpenDataRelease.objects.select_for_update().filter(period=period):
        release._history_user = actor
        release.delete()

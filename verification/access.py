"""Who may see and act on findings: one answer for the admin, the portal pages and the pack.

`can_record_findings` is the one rule for recording, closing and reopening; the province's
verifier role extends it here (and only here).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from indicators import access, roles
from verification.models import Finding, StageKind


def can_record_findings(user, region, stage: str | None = None) -> bool:
    """May the user record, close and reopen findings of this region (of this stage, when
    given)? DP3AKB's verifiers of the region (staff of its lead agency, scoped by
    `roles.user_regions`) and superusers, for every stage; the province verifiers of its
    province for their own administrative verification (VA) only, so a province verifier
    never settles a finding DP3AKB or the ministry recorded."""
    if user.is_superuser:
        return True
    if not user.is_authenticated:
        return False
    province = access.province_of(user)
    if province is not None and region.province == province:
        return stage in (None, StageKind.VA)
    if not roles.is_verifier(user):
        return False
    return roles.user_regions(user).filter(pk=region.pk).exists()


def recording_regions(user):
    """The regions whose findings the user may record (for forms and the admin's choices)."""
    province = access.province_of(user)
    if province is not None:
        return roles.readable_regions(user)
    if not roles.is_verifier(user):
        return roles.user_regions(user).none()
    return roles.user_regions(user)


def findings_visible_to(user) -> QuerySet[Finding]:
    """Findings the user may read: those naming their agencies for operators, their region's
    for verifiers and the Gugus Tugas, every one for superusers."""
    if user.is_superuser:
        return Finding.objects.all()
    if not user.is_authenticated:
        return Finding.objects.none()
    allowed = Q(pk__in=[])
    if roles.is_operator(user):
        allowed |= Q(agencies__in=access.operator_agencies(user).values("pk"))
    if roles.can_see_dashboard(user):
        allowed |= Q(period__region__in=roles.readable_regions(user).values("pk"))
    # A finding of several agencies matches once per agency: only ids, then the rows.
    return Finding.objects.filter(pk__in=Finding.objects.filter(allowed).values("pk"))


def finding_for_user(user, pk: int) -> Finding:
    """A finding the user may read, or 404 (another region's or agency's too)."""
    return get_object_or_404(
        findings_visible_to(user).select_related(
            "period__region", "period__framework", "item__indicator", "indicator"
        ),
        pk=pk,
    )


def answering_agencies(user, finding: Finding) -> list:
    """The user's own agencies that the finding names: who they may answer for."""
    named = set(finding.agencies.values_list("pk", flat=True))
    return [a for a in access.operator_agencies(user) if a.pk in named]

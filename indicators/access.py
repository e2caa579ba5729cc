"""Access helpers: fetch what a user may see or change, or raise 404 so nothing leaks.

The admin, the dashboard and the OPD workspace share these, so "who may see a submission or
its evidence" has one answer: the operators of its agency, the verifiers of its region, and
superusers. Anyone else gets a 404, never a 403 that would confirm the object exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from indicators import roles
from indicators.models import Agency, Evidence, Submission


def operator_agencies(user) -> QuerySet[Agency]:
    """The agencies a user enters data for: their memberships, when they are an operator."""
    if not roles.is_operator(user):
        return Agency.objects.none()
    return Agency.objects.filter(members=user).select_related("region").order_by("code")


def agency_for_operator(user, code: str | None, agencies: list[Agency] | None = None) -> Agency:
    """The operator's agency named by code (any case), their first one without a code, or 404."""
    agencies = list(operator_agencies(user)) if agencies is None else agencies
    wanted = (code or "").strip().upper()
    for agency in agencies:
        if not wanted or agency.code.upper() == wanted:
            return agency
    raise Http404(_("OPD tidak ditemukan."))


def submissions_visible_to(user) -> QuerySet[Submission]:
    """Submissions the user may read: own agencies', the region's for verifiers, all for admins."""
    if user.is_superuser:
        return Submission.objects.all()
    if not user.is_authenticated:
        return Submission.objects.none()
    allowed = Q(pk__in=[])
    if roles.is_operator(user):
        allowed |= Q(agency__in=operator_agencies(user).values("pk"))
    if roles.is_verifier(user):
        allowed |= Q(agency__region__in=roles.user_regions(user).values("pk"))
    return Submission.objects.filter(allowed)


def submission_for_user(user, pk: int) -> Submission:
    """A submission the user may read, with its item, agency and period, or 404."""
    return get_object_or_404(
        submissions_visible_to(user).select_related(
            "item__indicator__cluster", "agency__region", "period"
        ),
        pk=pk,
    )


def evidence_for_user(user, pk: int) -> Evidence:
    """An evidence file the user may download, or 404."""
    return get_object_or_404(
        Evidence.objects.select_related("submission").filter(
            submission__in=submissions_visible_to(user).values("pk")
        ),
        pk=pk,
    )


def evidence_for_operator(user, pk: int) -> Evidence:
    """An evidence file of one of the operator's own agencies (to change it), or 404."""
    return get_object_or_404(
        Evidence.objects.select_related("submission__agency", "submission__item").filter(
            submission__agency__in=operator_agencies(user).values("pk")
        ),
        pk=pk,
    )

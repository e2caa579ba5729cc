"""Access helpers: fetch what a user may see or change, or raise 404 so nothing leaks.

The admin, the dashboard and the OPD workspace share these, so "who may see a submission or
its evidence" has one answer: the operators of its agency, the verifiers of its region, and
superusers. Anyone else gets a 404, never a 403 that would confirm the object exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from clusters.models import Item
from clusters.selectors import FRAMEWORK_MODELS
from facilities.models import Certification, Facility
from indicators import roles
from indicators.models import (
    Agency,
    Assignment,
    Evidence,
    Period,
    Region,
    Submission,
    VerificationPack,
)
from indicators.selectors.periods import current_of, current_period
from indicators.selectors.workspace import agency_items, submission_for
from kla_portal import versions


def operator_agencies(user) -> QuerySet[Agency]:
    """The agencies a user enters data for: their memberships, when they are an operator."""
    if not roles.is_operator(user):
        return Agency.objects.none()
    return Agency.objects.filter(members=user).select_related("region").order_by("code")


def operator_agency_list(user) -> list[Agency]:
    """`operator_agencies` as a list with their regions, asked on every operator page: from the
    shared cache until the next write to what decides access (`roles.access_models`)."""
    if not user.is_authenticated:
        return []
    return versions.remember(
        "access:agencies", (user.pk,), lambda: list(operator_agencies(user)), *roles.access_models()
    )


def _code_key(code: str | None) -> str:
    """A code as the lookups compare it: trimmed, any case."""
    return (code or "").strip().upper()


def agency_for_operator(user, code: str | None, agencies: list[Agency] | None = None) -> Agency:
    """The operator's agency named by code (any case), their first one without a code, or 404."""
    agencies = operator_agency_list(user) if agencies is None else agencies
    wanted = _code_key(code)
    for agency in agencies:
        if not wanted or agency.code.upper() == wanted:
            return agency
    raise Http404(_("OPD tidak ditemukan."))


def province_of(user) -> str | None:
    """The province a province verifier reads (None for everyone else)."""
    return roles.user_province(user)


def province_scope(user, wanted: str | None) -> tuple[str, list[str]]:
    """The province a visitor's overview shows, and those they may choose from: a province
    verifier's own (another is a 404), any province with regions for superusers; 403 else."""
    own = province_of(user)
    if own is not None:
        if wanted and wanted != own:
            raise Http404(_("Provinsi tidak ditemukan."))
        return own, [own]
    if not user.is_superuser:
        raise PermissionDenied(_("Ringkasan provinsi hanya untuk verifikator provinsi dan admin."))
    provinces = sorted(set(Region.objects.exclude(province="").values_list("province", flat=True)))
    if not provinces or (wanted and wanted not in provinces):
        raise Http404(_("Provinsi tidak ditemukan."))
    return (wanted or provinces[0]), provinces


def submissions_visible_to(user) -> QuerySet[Submission]:
    """Submissions the user may read: own agencies', the region's for verifiers, the
    province's for province verifiers (read only), all for admins."""
    if user.is_superuser:
        return Submission.objects.all()
    if not user.is_authenticated:
        return Submission.objects.none()
    allowed = Q(pk__in=[])
    if roles.is_operator(user):
        allowed |= Q(agency__in=operator_agencies(user).values("pk"))
    if roles.is_verifier(user):
        allowed |= Q(agency__region__in=roles.user_regions(user).values("pk"))
    if province_of(user) is not None:
        allowed |= Q(agency__region__province=province_of(user))
    return Submission.objects.filter(allowed)


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


def packs_visible_to(user) -> QuerySet[VerificationPack]:
    """Verification packs the user may see: their regions' for verifiers, all for superusers."""
    if user.is_superuser:
        return VerificationPack.objects.all()
    if not roles.is_verifier(user):
        return VerificationPack.objects.none()
    return VerificationPack.objects.filter(period__region__in=roles.user_regions(user))


def pack_for_user(user, pk: int) -> VerificationPack:
    """A pack the user may download, ready and not expired, or 404 (another region's too)."""
    pack = get_object_or_404(packs_visible_to(user).select_related("period__region"), pk=pk)
    if not pack.is_downloadable():
        raise Http404(_("Paket belum selesai atau sudah kedaluwarsa."))
    return pack


def pack_periods(user) -> QuerySet[Period]:
    """The periods a user may build packs of: their regions' when they are a verifier."""
    if not roles.is_verifier(user):
        return Period.objects.none()
    return Period.objects.filter(region__in=roles.user_regions(user)).select_related("region")


@dataclass
class ItemAccess:
    """What the item page works on: the operator's agency, the period, the item, its answer."""

    agency: Agency
    period: Period
    item: Item
    submission: Submission | None


def item_for_operator(
    user, code: str, agency_code: str | None, *, with_submission: bool = True
) -> ItemAccess:
    """The operator's assigned item in the current period, with its submission (maybe unsaved;
    None without `with_submission`, for a page served from the content cache).

    Without the submission (a page about to come from the content cache), from the shared
    cache until the next write to what decides access, the assignments or the framework.
    """
    # Keyed as the lookups match (any case), so spellings of one item share one entry. Only
    # plain ASCII codes (every framework's): Python and PostgreSQL fold other letters
    # differently ("ß" is "SS" to Python), so two spellings could share an entry that the
    # database would tell apart. Any other spelling is looked up fresh.
    if not with_submission and code.isascii():
        return versions.remember(
            "access:item",
            (user.pk, code.upper(), _code_key(agency_code)),
            lambda: _item_for_operator(user, code, agency_code),
            *roles.access_models(),
            Assignment,
            *FRAMEWORK_MODELS,
        )
    found = _item_for_operator(user, code, agency_code)
    if with_submission:
        found.submission = submission_for(agency=found.agency, item=found.item, period=found.period)
    return found


def _item_for_operator(user, code: str, agency_code: str | None) -> ItemAccess:
    agency = agency_for_operator(user, agency_code)
    period = current_period(agency.region)
    if period is None:
        raise Http404(_("Belum ada periode."))
    item = agency_items(agency, period).filter(code__iexact=code).first()
    if item is None:
        raise Http404(_("Butir tidak ditemukan untuk OPD ini."))
    return ItemAccess(agency, period, item, None)


@dataclass
class Scope:
    """What the visitor may choose from, and what they chose."""

    regions: list[Region]
    region: Region
    periods: list[Period]
    period: Period

    @property
    def many_regions(self) -> bool:
        return len(self.regions) > 1


def dashboard_scope(user, *, region_slug: str | None, year: str | None) -> Scope:
    """The region and period a dashboard visitor asked for, or 403/404."""
    if not roles.can_see_dashboard(user):
        raise PermissionDenied(_("Dasbor hanya untuk Gugus Tugas, verifikator dan admin."))
    # Reading: a province verifier chooses among the regions of their province.
    return _region_scope(user, region_slug=region_slug, year=year, reading=True)


def review_scope(user, *, region_slug: str | None, year: str | None) -> Scope:
    """The region and period a verifier's review queue shows (their own regions only), or
    403 for anyone who does not review, 404 for a region or year not theirs."""
    if not roles.is_verifier(user):
        raise PermissionDenied(_("Antrean tinjauan hanya untuk verifikator DP3AKB."))
    return _region_scope(user, region_slug=region_slug, year=year, reading=False)


def _region_scope(user, *, region_slug: str | None, year: str | None, reading: bool) -> Scope:
    """The scope, asked on every visit: from the shared cache until the next write to what
    decides access (`roles.access_models`). A refusal (404) is not cached."""
    return versions.remember(
        "access:scope",
        (user.pk, user.is_superuser, reading, region_slug, year),
        lambda: _region_scope_read(user, region_slug=region_slug, year=year, reading=reading),
        *roles.access_models(),
    )


def _region_scope_read(user, *, region_slug: str | None, year: str | None, reading: bool):
    regions = roles.readable_regions(user) if reading else roles.user_regions(user)
    regions = list(regions.order_by("name"))
    if not regions:
        raise Http404(_("Akun ini belum terhubung ke OPD di wilayah mana pun."))
    region = next((r for r in regions if r.slug == region_slug), None) if region_slug else None
    if region_slug and region is None:
        raise Http404(_("Wilayah tidak ditemukan."))
    region = region or regions[0]
    periods = list(Period.objects.filter(region=region).select_related("framework", "region"))
    if not periods:
        raise Http404(_("Wilayah ini belum punya periode penilaian."))
    if year:
        period = next((p for p in periods if str(p.year) == year), None)
        if period is None:
            raise Http404(_("Periode tidak ditemukan."))
    else:
        period = current_of(periods)
    return Scope(regions, region, periods, period)


# ---- the register of places (facilities) ----------------------------------------------------
# Places are entered by the operators of their supplying agency and managed by the verifiers of
# their region: the same two answers as for submissions, and a 404 for everyone else.


def facilities_visible_to(user):
    """Places the user may read: own agencies', the region's for verifiers, all for admins."""
    if user.is_superuser:
        return Facility.objects.all()
    if not user.is_authenticated:
        return Facility.objects.none()
    allowed = Q(pk__in=[])
    if roles.is_operator(user):
        allowed |= Q(agency__in=operator_agencies(user).values("pk"))
    if roles.is_verifier(user):
        allowed |= Q(region__in=roles.user_regions(user).values("pk"))
    return Facility.objects.filter(allowed)


def facility_for_operator(user, pk: int):
    """A place of one of the operator's own agencies (to change it), or 404."""
    return get_object_or_404(
        Facility.objects.select_related(
            "agency__region", "facility_type", "kelurahan__kecamatan"
        ).filter(agency__in=operator_agencies(user).values("pk")),
        pk=pk,
    )


def certification_for_operator(user, pk: int):
    """A certificate of a place of the operator's own agencies, or 404."""
    return get_object_or_404(
        Certification.objects.select_related(
            "facility__agency__region", "facility__facility_type", "standard"
        ).filter(facility__agency__in=operator_agencies(user).values("pk")),
        pk=pk,
    )


def certificate_for_user(user, pk: int):
    """A certificate whose file the user may download, or 404: the place's agency operators,
    the region's verifiers (designations of a kelurahan: the region's verifiers), the
    province's verifiers, superusers."""
    found = Certification.objects.exclude(file="")
    if not user.is_superuser:
        allowed = Q(facility__in=facilities_visible_to(user).values("pk"))
        if roles.is_verifier(user):
            allowed |= Q(kelurahan__kecamatan__region__in=roles.user_regions(user).values("pk"))
        province = province_of(user)
        if province is not None:  # a province verifier reads the certificates as evidence
            allowed |= Q(facility__region__province=province)
            allowed |= Q(kelurahan__kecamatan__region__province=province)
        found = found.filter(allowed)
    return get_object_or_404(found, pk=pk)


# ---- the API (api/) --------------------------------------------------------------------------


def periods_visible_to(user) -> QuerySet[Period]:
    """The periods of the regions a user acts for (all for superusers, none for strangers)."""
    return Period.objects.filter(region__in=roles.user_regions(user).values("pk")).select_related(
        "region", "framework"
    )


def period_for_user(user, pk: int) -> Period:
    """A period of one of the user's regions, or 404."""
    return get_object_or_404(periods_visible_to(user), pk=pk)


def period_for_verifier(user, pk: int) -> Period:
    """A period the user reviews (a verifier of its region, or a superuser), else 404 or 403."""
    period = period_for_user(user, pk)
    if not roles.is_verifier(user):
        raise PermissionDenied(_("Hanya verifikator wilayah ini yang dapat melakukannya."))
    return period


def score_agencies(user, period: Period, code: str | None) -> list[int] | None:
    """Whose answers a score shows the user: None for the whole region, or agency ids.

    Gugus Tugas, verifiers and superusers see the region's score (and any one agency's);
    an operator sees what their own agency's answers earn, never another's, never the region's.
    """
    wanted = (code or "").strip().upper()
    if roles.can_see_dashboard(user):
        if not wanted:
            return None
        agency = Agency.objects.filter(region=period.region, code__iexact=wanted).first()
        if agency is None:
            raise Http404(_("OPD tidak ditemukan."))
        return [agency.pk]
    own = [a for a in operator_agencies(user) if a.region_id == period.region_id]
    if not own:
        raise PermissionDenied(_("Nilai wilayah hanya untuk Gugus Tugas, verifikator dan admin."))
    if not wanted:
        return [a.pk for a in own]
    return [agency_for_operator(user, wanted, own).pk]


def submission_for_operator(user, pk: int) -> Submission:
    """A submission of one of the operator's own agencies (to attach files), or 404."""
    return get_object_or_404(
        Submission.objects.select_related("period", "item", "agency").filter(
            agency__in=operator_agencies(user).values("pk")
        ),
        pk=pk,
    )

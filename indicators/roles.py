"""Who may do what: the groups, the region a user acts for, the regions a user reads."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from indicators.models import Agency, Period, ProvinceMembership, Region
from kla_portal import versions

OPERATOR = "OPD Operator"
VERIFIER = "Verifikator DP3AKB"
GUGUS_TUGAS = "Gugus Tugas"
# The province's administrative verification (VA): reads every region of its province (its
# `ProvinceMembership`), writes nothing there: no answers, no review, no import.
PROVINCE_VERIFIER = "Verifikator Provinsi"

# Verifiers work in the admin: they review submissions and evidence, import and export, and
# record official results. They never edit the framework or users.
VERIFIER_PERMISSIONS = [
    ("indicators", "view_region"),
    ("indicators", "view_agency"),
    ("indicators", "view_period"),
    ("indicators", "view_assignment"),
    ("indicators", "view_submission"),
    ("indicators", "change_submission"),
    ("indicators", "view_evidence"),
    ("indicators", "view_reviewevent"),
    ("indicators", "view_officialresult"),
    ("indicators", "add_officialresult"),
    ("indicators", "change_officialresult"),
    ("indicators", "view_verificationpack"),
    ("indicators", "add_verificationpack"),
    # The ministry's stages and the findings of its verifiers (verification/): DP3AKB records
    # them; the frozen forecast is only read.
    ("verification", "view_stage"),
    ("verification", "add_stage"),
    ("verification", "change_stage"),
    ("verification", "view_finding"),
    ("verification", "add_finding"),
    ("verification", "change_finding"),
    ("verification", "view_forecastsnapshot"),
    ("clusters", "view_framework"),
    ("clusters", "view_categoryband"),
    ("clusters", "view_bandcondition"),
    ("clusters", "view_cluster"),
    ("clusters", "view_indicator"),
    ("clusters", "view_item"),
    ("clusters", "view_evidencerequirement"),
    # The register of places: verifiers manage the region's places and certificates.
    ("facilities", "view_facilitytype"),
    ("facilities", "view_standard"),
    ("facilities", "view_facility"),
    ("facilities", "add_facility"),
    ("facilities", "change_facility"),
    ("facilities", "view_certification"),
    ("facilities", "add_certification"),
    ("facilities", "change_certification"),
    # The ministry's field-visit sites (lokus) and their checklists: planned by DP3AKB.
    ("facilities", "view_fieldvisitsite"),
    ("facilities", "add_fieldvisitsite"),
    ("facilities", "change_fieldvisitsite"),
    ("facilities", "delete_fieldvisitsite"),
    ("facilities", "view_fieldvisitcheck"),
    ("facilities", "add_fieldvisitcheck"),
    ("facilities", "change_fieldvisitcheck"),
    ("facilities", "delete_fieldvisitcheck"),
]


# Province verifiers read in the admin what verifiers read and change none of it; they record
# the province's findings (VA) and close or reopen them (`verification.access`).
PROVINCE_VERIFIER_PERMISSIONS = [
    *((app, code) for app, code in VERIFIER_PERMISSIONS if code.startswith("view_")),
    ("verification", "add_finding"),
    ("verification", "change_finding"),
]


def roles_ensure_groups() -> dict[str, Group]:
    """Create the four groups with their permissions (idempotent)."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (OPERATOR, GUGUS_TUGAS)}
    for name, permissions in (
        (VERIFIER, VERIFIER_PERMISSIONS),
        (PROVINCE_VERIFIER, PROVINCE_VERIFIER_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Q()
        for app, code in permissions:
            wanted |= Q(content_type__app_label=app, codename=code)
        group.permissions.set(Permission.objects.filter(wanted))
        groups[name] = group
    return groups


def access_models() -> tuple:
    """What decides who may see what: the users and their groups, the agencies and their
    members, the regions, their periods and the province memberships. The access facts read on
    every request (a user's roles, the regions and periods they may choose) are cached until the
    next committed write to one of these (`kla_portal.versions.remember`); a draft saved or a
    file uploaded elsewhere leaves them cached."""
    from django.contrib.auth import get_user_model

    return (get_user_model(), Group, Agency, Region, Period, ProvinceMembership)


def group_names(user) -> set[str]:
    """The user's group names, once per user object, from the shared cache until the next
    write to the users, groups or memberships."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_kla_groups"):
        user._kla_groups = versions.remember(
            "access:groups",
            (user.pk,),
            lambda: set(user.groups.values_list("name", flat=True)),
            *access_models(),
        )
    return user._kla_groups


def is_operator(user) -> bool:
    return OPERATOR in group_names(user)


def is_verifier(user) -> bool:
    return user.is_superuser or VERIFIER in group_names(user)


def is_province_verifier(user) -> bool:
    return PROVINCE_VERIFIER in group_names(user)


def can_see_dashboard(user) -> bool:
    return user.is_superuser or bool(group_names(user) & {VERIFIER, GUGUS_TUGAS, PROVINCE_VERIFIER})


def user_province(user) -> str | None:
    """The province a province verifier reads, fetched once per user object (None otherwise)."""
    if not is_province_verifier(user):
        return None
    if not hasattr(user, "_kla_province"):
        membership = ProvinceMembership.objects.filter(user=user).values_list("province", flat=True)
        user._kla_province = (membership.first() or "").strip() or None
    return user._kla_province


def user_regions(user):
    """The regions a user acts for: all for superusers, else those of their agencies."""
    if user.is_superuser:
        return Region.objects.all()
    if not user.is_authenticated:
        return Region.objects.none()
    return Region.objects.filter(agencies__members=user).distinct()


def readable_regions(user):
    """The regions a user reads: those they act for, and a province verifier's province.

    Only reads go through this (dashboards, items, evidence, the admin's lists); every write
    keeps to `user_regions`, so a province verifier, who belongs to no agency, writes nowhere.
    """
    province = user_province(user)
    if user.is_superuser or province is None:
        return user_regions(user)
    return Region.objects.filter(Q(agencies__members=user) | Q(province=province)).distinct()

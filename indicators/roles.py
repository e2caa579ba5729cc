"""Who may do what: the three groups, and the region a user acts for."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from indicators.models import Region

OPERATOR = "OPD Operator"
VERIFIER = "Verifikator DP3AKB"
GUGUS_TUGAS = "Gugus Tugas"

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
    ("clusters", "view_framework"),
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


def roles_ensure_groups() -> dict[str, Group]:
    """Create the three groups with their permissions (idempotent)."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (OPERATOR, GUGUS_TUGAS)}
    verifier, _ = Group.objects.get_or_create(name=VERIFIER)
    wanted = Q()
    for app, code in VERIFIER_PERMISSIONS:
        wanted |= Q(content_type__app_label=app, codename=code)
    perms = Permission.objects.filter(wanted)
    verifier.permissions.set(perms)
    groups[VERIFIER] = verifier
    return groups


def group_names(user) -> set[str]:
    """The user's group names, fetched once per user object."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_kla_groups"):
        user._kla_groups = set(user.groups.values_list("name", flat=True))
    return user._kla_groups


def is_operator(user) -> bool:
    return OPERATOR in group_names(user)


def is_verifier(user) -> bool:
    return user.is_superuser or VERIFIER in group_names(user)


def can_see_dashboard(user) -> bool:
    return user.is_superuser or bool(group_names(user) & {VERIFIER, GUGUS_TUGAS})


def user_regions(user):
    """The regions a user acts for: all for superusers, else those of their agencies."""
    if user.is_superuser:
        return Region.objects.all()
    if not user.is_authenticated:
        return Region.objects.none()
    return Region.objects.filter(agencies__members=user).distinct()

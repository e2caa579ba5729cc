"""Field-visit sites (lokus) of the ministry's field verification (VL): their rules, their
version-checked save, and the one-page plan.

The rules live here once and are shown by the admin form and by `site_save` alike: a slot
ends after it starts; one person in charge is never at two sites at once; the register's
place and the backup belong to the period's region; a site is never its own backup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from facilities.models import FieldVisitCheck, FieldVisitSite
from facilities.services import _audited, _locked
from indicators.models import Period

SITE_FIELDS = (
    "name",
    "facility",
    "address",
    "kelurahan",
    "contact_name",
    "contact_phone",
    "starts_at",
    "ends_at",
    "backup_site",
    "backup_facility",
    "notes",
)


def person_key(name: str, phone: str) -> str:
    """Who a person in charge is: their phone's digits (62... read as 0...), else their name."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    if len(digits) >= 6:
        return f"tel:{digits}"
    return "name:" + " ".join((name or "").casefold().split())


def site_problems(*, period: Period | None, values: dict, exclude_pk: int | None) -> dict:
    """What is wrong with a site's values, per field, in Indonesian (empty when all is well)."""
    problems = {}
    if period is None:
        return problems
    region_id = period.region_id
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts and ends and ends <= starts:
        problems["ends_at"] = _("Waktu selesai harus sesudah waktu mulai.")
    facility = values.get("facility")
    if facility is not None and facility.region_id != region_id:
        problems["facility"] = _("Fasilitas ini bukan milik wilayah periode ini.")
    kelurahan = values.get("kelurahan")
    if kelurahan is not None and kelurahan.kecamatan.region_id != region_id:
        problems["kelurahan"] = _("Kelurahan ini bukan bagian wilayah periode ini.")
    backup_site, backup_facility = values.get("backup_site"), values.get("backup_facility")
    if backup_site is not None and backup_facility is not None:
        problems["backup_facility"] = _("Pilih satu cadangan saja: lokus lain atau fasilitas.")
    if backup_site is not None:
        if exclude_pk and backup_site.pk == exclude_pk:
            problems["backup_site"] = _("Lokus tidak bisa menjadi cadangan bagi dirinya sendiri.")
        elif backup_site.period_id != period.pk:
            problems["backup_site"] = _("Lokus cadangan harus dari periode yang sama.")
    if backup_facility is not None:
        if backup_facility.region_id != region_id:
            problems["backup_facility"] = _("Fasilitas cadangan bukan milik wilayah periode ini.")
        elif facility is not None and backup_facility.pk == facility.pk:
            problems["backup_facility"] = _("Cadangan harus tempat lain, bukan lokus itu sendiri.")
    if starts and ends and ends > starts:
        clash = _clash(period, values, starts, ends, exclude_pk)
        if clash is not None:
            problems["starts_at"] = _(
                "%(person)s sudah bertugas di lokus %(site)s pada waktu yang bertumpang tindih."
            ) % {"person": values.get("contact_name") or clash.contact_name, "site": clash.name}
    return problems


def _clash(period, values, starts, ends, exclude_pk) -> FieldVisitSite | None:
    """A site of the same region whose slot overlaps and whose person in charge is the same."""
    me = person_key(values.get("contact_name", ""), values.get("contact_phone", ""))
    overlapping = FieldVisitSite.objects.filter(
        period__region_id=period.region_id, starts_at__lt=ends, ends_at__gt=starts
    ).exclude(pk=exclude_pk)
    for site in overlapping.order_by("starts_at"):
        if person_key(site.contact_name, site.contact_phone) == me:
            return site
    return None


@transaction.atomic
def site_save(
    *, period: Period, values: dict, actor, site: FieldVisitSite | None = None, version=None
) -> FieldVisitSite:
    """Create a site, or change one at the version the writer saw (a racing write conflicts)."""
    if site is None:
        current = FieldVisitSite(period=period)
    else:
        current = _locked(FieldVisitSite, site.pk, version)
        if current.period_id != period.pk:
            raise ValidationError(_("Lokus ini bukan milik periode tersebut."))
    problems = site_problems(period=period, values=values, exclude_pk=current.pk)
    if problems:
        raise ValidationError(problems)
    for name in SITE_FIELDS:
        if name in values:
            setattr(current, name, values[name] if values[name] is not None else _blank(name))
    if current.pk:
        current.version += 1
    _audited(current, actor, _("Diubah") if current.pk else _("Ditambahkan"))
    current.save()
    return current


def _blank(name: str):
    return "" if name in ("name", "address", "contact_name", "contact_phone", "notes") else None


# ---- the one-page plan ----------------------------------------------------------------------


@dataclass
class PlanSite:
    site: FieldVisitSite
    checks: list[FieldVisitCheck]

    @property
    def ready(self) -> int:
        return sum(1 for check in self.checks if check.done)


def visit_plan(period: Period) -> list[PlanSite]:
    """The period's sites in time order with their checklists and backups, in two queries."""
    sites = (
        FieldVisitSite.objects.filter(period=period)
        .select_related(
            "facility__facility_type",
            "kelurahan__kecamatan",
            "backup_site",
            "backup_facility",
        )
        .prefetch_related(Prefetch("checks", queryset=FieldVisitCheck.objects.order_by("order")))
        .order_by("starts_at", "name")
    )
    return [PlanSite(site, list(site.checks.all())) for site in sites]

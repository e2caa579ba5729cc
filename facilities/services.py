"""Writes of the register: its reference data, the dates a certificate is valid, and the
places and certificates entered in the portal, the admin and by import."""

from __future__ import annotations

import calendar
import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.feeds import feed_rules
from facilities.models import Certification, Facility, FacilityType, RegisterTake, Standard
from indicators.answers import format_number
from indicators.models import Agency, Kelurahan, Region
from indicators.services import workflow
from indicators.uploads import evidence_clean_name, evidence_inspect, sha256

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _rows(name: str) -> list[dict]:
    with open(FIXTURES / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_load() -> dict[str, int]:
    """Create the bundled facility types and standards that are missing; returns the counts
    created. Existing rows are left as they are (an admin may have edited them)."""
    created = {"types": 0, "standards": 0}
    types = {}
    for row in _rows("facility_types.csv"):
        feed_rules(row["feeds"])
        types[row["code"]], made = FacilityType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name_id"],
                "name_en": row["name_en"],
                "agencies": row["agencies"],
                "levels": row["levels"],
                "feeds": row["feeds"],
            },
        )
        created["types"] += made
    for row in _rows("standards.csv"):
        feed_rules(row["feeds"])
        _, made = Standard.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name_id"],
                "name_en": row["name_en"],
                "facility_type": types.get(row["facility_type"]) if row["facility_type"] else None,
                "certifier": row["certifier"],
                "validity_months": int(row["validity_months"]) if row["validity_months"] else None,
                "feeds": row["feeds"],
            },
        )
        created["standards"] += made
    return created


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def certification_valid_until(
    standard: Standard, granted_on: datetime.date | None, given: datetime.date | None
) -> datetime.date | None:
    """The last day a certificate is valid: its own end date, else `validity_months` after it
    was granted, else none (valid until revoked)."""
    if given:
        return given
    if granted_on and standard.validity_months:
        return add_months(granted_on, standard.validity_months) - datetime.timedelta(days=1)
    return None


# ---- places and certificates ------------------------------------------------------------------
#
# The portal's forms, the admin and the import all write through here, so the rules of a place
# (its kelurahan in the region, a supplying agency of its type, a known level) and of a
# certificate (a standard of the place's type, a granted one with its date, the last valid day
# from `certification_valid_until`) have one home. Every write is checked against the version
# the writer saw: a racing write is a Conflict, never an overwrite.


class RegisterConflict(workflow.Conflict):
    """Someone else changed the place or the certificate since the writer loaded it."""

    def __init__(self):
        super().__init__(_("Data ini sudah diubah orang lain. Muat ulang halaman, lalu ulangi."))


def facility_problems(
    *,
    region: Region,
    facility_type: FacilityType | None,
    kelurahan: Kelurahan | None,
    agency: Agency | None,
    level: str,
    name: str,
    exclude_pk: int | None = None,
) -> dict[str, str]:
    """What is wrong with a place's fields, by field name (empty when nothing is)."""
    problems = {}
    if kelurahan is not None and kelurahan.kecamatan.region_id != region.pk:
        problems["kelurahan"] = _("Kelurahan %(name)s tidak berada di %(region)s.") % {
            "name": kelurahan,
            "region": region,
        }
    if agency is not None and agency.region_id != region.pk:
        problems["agency"] = _("OPD %(code)s bukan OPD %(region)s.") % {
            "code": agency.code,
            "region": region,
        }
    if facility_type is None:
        return problems
    codes = facility_type.agency_codes
    if agency is not None and codes and agency.code.upper() not in codes:
        problems["agency"] = _("%(type)s didaftarkan oleh %(codes)s, bukan %(code)s.") % {
            "type": facility_type,
            "codes": ", ".join(codes),
            "code": agency.code,
        }
    levels = facility_type.level_names
    if levels and level and level not in levels:
        problems["level"] = _(
            "Jenjang '%(level)s' tidak dikenal untuk %(type)s; pilih %(levels)s."
        ) % {
            "level": level,
            "type": facility_type,
            "levels": ", ".join(levels),
        }
    elif levels and not level:
        problems["level"] = _("Pilih jenjang %(type)s: %(levels)s.") % {
            "type": facility_type,
            "levels": ", ".join(levels),
        }
    elif not levels and level:
        problems["level"] = _("%(type)s tidak mengenal jenjang; kosongkan.") % {
            "type": facility_type
        }
    if kelurahan is not None and name:
        same = Facility.objects.filter(
            facility_type=facility_type, kelurahan=kelurahan, name__iexact=name.strip()
        ).exclude(pk=exclude_pk)
        if same.exists():
            problems["name"] = _(
                "%(type)s bernama '%(name)s' sudah terdaftar di Kelurahan %(kelurahan)s."
            ) % {"type": facility_type, "name": name, "kelurahan": kelurahan}
    return problems


def level_match(facility_type: FacilityType, level: str) -> str:
    """The type's own spelling of a level typed in any case, or the text as given."""
    wanted = (level or "").strip()
    return next(
        (known for known in facility_type.level_names if known.lower() == wanted.lower()), wanted
    )


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(problems)


def _audited(obj, actor, reason: str) -> None:
    """Who made the change and why, for the audit history (as the admin and forms record)."""
    obj._history_user = actor if getattr(actor, "is_authenticated", False) else None
    obj._change_reason = (reason or "")[:100] or None
    obj.updated_by = obj._history_user


def _locked(model, pk: int, version: int | None):
    current = model.objects.select_for_update().get(pk=pk)
    if version is not None and current.version != version:
        raise RegisterConflict()
    return current


FACILITY_FIELDS = (
    "facility_type",
    "name",
    "address",
    "kelurahan",
    "level",
    "agency",
    "latitude",
    "longitude",
)


@transaction.atomic
def facility_save(
    *,
    region: Region,
    values: dict,
    actor,
    facility: Facility | None = None,
    version: int | None = None,
    reason: str = "",
) -> Facility:
    """Register a place, or change one at the version the writer saw."""
    values = {**values, "name": " ".join(str(values.get("name", "")).split())}
    if values.get("facility_type") is not None:
        values["level"] = level_match(values["facility_type"], values.get("level", ""))
    if facility is None:
        current = Facility(region=region)
    else:
        current = _locked(Facility, facility.pk, version)
        if current.region_id != region.pk:
            raise ValidationError(_("Fasilitas ini bukan milik wilayah tersebut."))
    for name in FACILITY_FIELDS:
        if name in values:
            setattr(current, name, values[name] if values[name] is not None else _empty(name))
    _refuse(
        facility_problems(
            region=region,
            facility_type=current.facility_type,
            kelurahan=current.kelurahan,
            agency=current.agency,
            level=current.level,
            name=current.name,
            exclude_pk=current.pk,
        )
    )
    if current.pk:
        current.version += 1
    _audited(current, actor, reason or (_("Diubah") if current.pk else _("Didaftarkan")))
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:  # the same place registered by someone else a moment ago
        raise ValidationError(
            {"name": _("Tempat yang sama baru saja didaftarkan orang lain. Muat ulang halaman.")}
        ) from None
    return current


def _empty(name: str):
    return None if name in ("latitude", "longitude") else ""


@transaction.atomic
def facility_close(
    *, facility: Facility, closed_on: datetime.date, actor, version: int | None, reason: str = ""
) -> Facility:
    """Mark a place closed from a day on: it stays in the register and its history."""
    current = _locked(Facility, facility.pk, version)
    if not current.active:
        raise ValidationError(_("Fasilitas ini sudah ditutup."))
    current.active = False
    current.closed_on = closed_on
    current.version += 1
    _audited(current, actor, reason or _("Ditutup"))
    current.save()
    return current


@transaction.atomic
def facility_reopen(
    *, facility: Facility, actor, version: int | None, reason: str = ""
) -> Facility:
    """A closed place in use again."""
    current = _locked(Facility, facility.pk, version)
    current.active, current.closed_on = True, None
    current.version += 1
    _audited(current, actor, reason or _("Dibuka kembali"))
    current.save()
    return current


def certification_problems(
    *,
    standard: Standard | None,
    facility: Facility | None,
    kelurahan: Kelurahan | None,
    stage: str,
    granted_on: datetime.date | None,
    valid_until: datetime.date | None,
) -> dict[str, str]:
    """What is wrong with a certificate's fields, by field name."""
    problems = {}
    if standard is not None:
        if facility is not None and standard.facility_type_id != facility.facility_type_id:
            problems["standard"] = _("Standar %(code)s bukan untuk %(type)s.") % {
                "code": standard.code,
                "type": facility.facility_type,
            }
        if facility is None and standard.facility_type_id is not None:
            problems["standard"] = _(
                "Standar %(code)s diberikan kepada %(type)s, bukan kepada kelurahan."
            ) % {"code": standard.code, "type": standard.facility_type}
        if facility is None and kelurahan is None:
            problems["standard"] = _("Sertifikasi perlu fasilitas atau kelurahan.")
    if stage not in Certification.Stage.values:
        problems["stage"] = _("Tahap '%(stage)s' tidak dikenal; pilih %(stages)s.") % {
            "stage": stage,
            "stages": ", ".join(Certification.Stage.values),
        }
    granted = stage in (
        Certification.Stage.GRANTED,
        Certification.Stage.EXPIRED,
        Certification.Stage.REVOKED,
    )
    if granted and granted_on is None:
        problems["granted_on"] = _("Isi tanggal penetapan sertifikat.")
    if granted_on and valid_until and valid_until < granted_on:
        problems["valid_until"] = _("Tanggal berlaku sampai tidak boleh sebelum tanggal penetapan.")
    if granted_on and granted_on > timezone.localdate():
        problems["granted_on"] = _("Tanggal penetapan tidak boleh di masa depan.")
    return problems


def _within_certificate_quota(certification: Certification, size: int) -> None:
    """Refuse a certificate file past the bytes its agency may keep in the register (the same
    limit as its evidence in one period), counting the file it replaces as freed. The agency's
    row is locked, so two uploads cannot both pass a sum each read before the other wrote."""
    agency_id = certification.facility.agency_id if certification.facility_id else None
    if agency_id is None:  # a kelurahan's designation: entered by verifiers in the admin
        return
    Agency.objects.select_for_update().filter(pk=agency_id).first()
    held = Certification.objects.filter(facility__agency_id=agency_id).exclude(pk=certification.pk)
    used = held.aggregate(total=Sum("size"))["total"] or 0
    limit = settings.EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD
    if used + size > limit:
        mb = 1024 * 1024
        _refuse(
            {
                "file": _(
                    "Kuota berkas sertifikat OPD ini (%(limit)s MB) tidak cukup: sudah terpakai "
                    "%(used)s MB, berkas ini %(size)s MB. Perkecil berkas (kompres PDF atau foto) "
                    "atau hubungi admin DP3AKB."
                )
                % {
                    "limit": format_number(Decimal(limit) / mb, 1),
                    "used": format_number(Decimal(used) / mb, 1),
                    "size": format_number(Decimal(size) / mb, 1),
                }
            }
        )


CERTIFICATION_FIELDS = ("standard", "stage", "certificate_number", "granted_on", "valid_until")


@transaction.atomic
def certification_save(
    *,
    values: dict,
    actor,
    facility: Facility | None = None,
    kelurahan: Kelurahan | None = None,
    certification: Certification | None = None,
    upload=None,
    version: int | None = None,
    reason: str = "",
) -> Certification:
    """Add a certificate to a place (or a designation to a kelurahan), or change one at the
    version the writer saw; an uploaded certificate file is checked like evidence."""
    found = evidence_inspect(upload) if upload is not None else None
    if certification is None:
        current = Certification(facility=facility, kelurahan=None if facility else kelurahan)
    else:
        current = _locked(Certification, certification.pk, version)
    for name in CERTIFICATION_FIELDS:
        if name in values:
            value = values[name]
            setattr(current, name, "" if value is None and name == "certificate_number" else value)
    current.certificate_number = (current.certificate_number or "").strip()
    _refuse(
        certification_problems(
            standard=current.standard,
            facility=current.facility,
            kelurahan=current.kelurahan,
            stage=current.stage,
            granted_on=current.granted_on,
            valid_until=current.valid_until,
        )
    )
    current.valid_until = certification_valid_until(
        current.standard, current.granted_on, current.valid_until
    )
    old_file = current.file.name if found else ""
    if found:
        _within_certificate_quota(current, upload.size)
        current.original_name = evidence_clean_name(getattr(upload, "name", ""), found.extension)
        current.content_type = found.content_type
        current.size = upload.size
        current.sha256 = sha256(upload)
        # The storage name is random (models.certificate_path); only the checked extension stays.
        current.file.save(f"sertifikat.{found.extension}", File(upload), save=False)
    if current.pk:
        current.version += 1
    _audited(current, actor, reason or (_("Diubah") if current.pk else _("Ditambahkan")))
    current.save()
    if old_file:
        storage = current.file.storage
        # The replaced file goes only once the new row is committed, so a rollback loses nothing.
        transaction.on_commit(lambda: storage.delete(old_file))
    return current


def register_take_record(*, submission, measured, actor) -> None:
    """Remember what a taken answer was computed from (`selectors.take_state` compares)."""

    answer = {
        name: (str(value) if isinstance(value, Decimal) else value)
        for name, value in measured.answer.items()
    }
    RegisterTake.objects.update_or_create(
        submission=submission,
        defaults={
            "reference_date": measured.reference_date,
            "fingerprint": measured.fingerprint,
            "answer": answer,
            "places": measured.listed,
            "taken_at": timezone.now(),
            "taken_by": actor,
        },
    )

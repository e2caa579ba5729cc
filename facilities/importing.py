"""Bulk import of the register (`import_facilities` and the admin import share this code).

The file is read by `indicators.services.importing.read_table` (CSV or XLSX, the same size
limits, formula quotes undone), every row is checked against the reference types and
standards and the region's kelurahan and agencies, and only when no row is bad is anything
written, all in one transaction through `facilities.services`. Row numbers are spreadsheet
rows: the header is row 1.

A row names a place (type, name, kelurahan: the same three are the same place, in the file
and in the register) and optionally one certificate of it (standard, stage, number, dates).
A row with a blank type and a designation standard (DEKELA) is a designation of the kelurahan.
A certificate already in the register (same place and standard, and the same number, or the
same granting date when neither has a number) is the same certificate, so an unedited export
imports as no change.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from facilities import services
from facilities.models import (
    Certification,
    Facility,
    FacilityType,
    RegisterImportConfirmation,
    Standard,
)
from indicators.models import Agency, Kelurahan, Region
from indicators.services.importing import (
    ImportRejected,
    RowError,
    StalePreview,
    confirmation_use,
    read_table,
)
from indicators.services.workflow import WorkflowError

logger = logging.getLogger("kla.import")

HEADER = (
    "type",
    "name",
    "kelurahan",
    "level",
    "agency",
    "address",
    "standard",
    "stage",
    "certificate_number",
    "granted_on",
    "valid_until",
)
CERTIFICATE_COLUMNS = ("stage", "certificate_number", "granted_on", "valid_until")
# A date cell of a spreadsheet reads as its midnight; typed text must be YYYY-MM-DD.
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: 00:00:00)?")
FIELD_COLUMN = {
    "facility_type": "type",
    "kelurahan": "kelurahan",
    "agency": "agency",
    "level": "level",
    "name": "name",
    "standard": "standard",
    "stage": "stage",
    "granted_on": "granted_on",
    "valid_until": "valid_until",
}


@dataclass
class PlaceRow:
    row: int
    facility_type: FacilityType
    name: str
    kelurahan: Kelurahan
    agency: Agency
    level: str
    address: str
    existing: Facility | None = None
    changes: dict = field(default_factory=dict)  # field -> (old, new) for an existing place


@dataclass
class CertificateRow:
    row: int
    standard: Standard
    stage: str
    certificate_number: str
    granted_on: datetime.date | None
    valid_until: datetime.date | None  # as given; the stored one follows the standard's rule
    place: PlaceRow | None = None
    kelurahan: Kelurahan | None = None  # a designation
    existing: Certification | None = None
    changes: dict = field(default_factory=dict)

    def values(self) -> dict:
        return {
            "standard": self.standard,
            "stage": self.stage,
            "certificate_number": self.certificate_number,
            "granted_on": self.granted_on,
            "valid_until": self.valid_until,
        }


@dataclass
class RegisterPlan:
    """What an import would do: places and certificates new, changed or already so."""

    region: Region
    places: list[PlaceRow] = field(default_factory=list)
    certificates: list[CertificateRow] = field(default_factory=list)
    rows: int = 0

    @property
    def new_places(self):
        return [p for p in self.places if p.existing is None]

    @property
    def changed_places(self):
        return [p for p in self.places if p.existing is not None and p.changes]

    @property
    def same_places(self):
        return [p for p in self.places if p.existing is not None and not p.changes]

    @property
    def new_certificates(self):
        return [c for c in self.certificates if c.existing is None]

    @property
    def changed_certificates(self):
        return [c for c in self.certificates if c.existing is not None and c.changes]

    @property
    def same_certificates(self):
        return [c for c in self.certificates if c.existing is not None and not c.changes]

    def fingerprint(self) -> list:
        """The stored rows the plan reads, with their versions, and what it would add: a
        confirm step compares it with what it sees then."""
        return sorted(
            [["p", p.existing.pk, p.existing.version] for p in self.places if p.existing]
            + [["c", c.existing.pk, c.existing.version] for c in self.certificates if c.existing]
        ) + [["new", len(self.new_places), len(self.new_certificates)]]

    def summary(self) -> str:
        return _(
            "%(rows)s baris: tempat %(new_p)s baru, %(changed_p)s berubah, %(same_p)s tetap; "
            "sertifikasi %(new_c)s baru, %(changed_c)s berubah, %(same_c)s tetap."
        ) % {
            "rows": self.rows,
            "new_p": len(self.new_places),
            "changed_p": len(self.changed_places),
            "same_p": len(self.same_places),
            "new_c": len(self.new_certificates),
            "changed_c": len(self.changed_certificates),
            "same_c": len(self.same_certificates),
        }


# ---- reading and checking ---------------------------------------------------------------------


def parse_date(text: str) -> datetime.date | None:
    """A date written YYYY-MM-DD (a spreadsheet date cell too), blank as None; else ValueError."""
    text = (text or "").strip()
    if not text:
        return None
    match = DATE.fullmatch(text)
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(part) for part in match.groups()))


def _stage(text: str) -> str | None:
    wanted = text.strip().lower()
    for value, label in Certification.Stage.choices:
        if wanted in (value, str(label).lower()):
            return value
    return None


@dataclass
class _Known:
    region: Region
    types: dict
    standards: dict
    kelurahan: dict
    agencies: dict
    places: dict  # (type id, kelurahan id, lower name) -> Facility
    certificates: dict  # (facility id or None, kelurahan id or None) -> [Certification]

    @classmethod
    def of(cls, region: Region) -> _Known:
        places = {
            (f.facility_type_id, f.kelurahan_id, f.name.lower()): f
            for f in Facility.objects.filter(region=region)
        }
        certificates: dict = {}
        for c in Certification.objects.filter(
            facility__region=region
        ) | Certification.objects.filter(kelurahan__kecamatan__region=region):
            certificates.setdefault((c.facility_id, c.kelurahan_id), []).append(c)
        return cls(
            region,
            {t.code.upper(): t for t in FacilityType.objects.all()},
            {s.code.upper(): s for s in Standard.objects.select_related("facility_type")},
            {
                k.code: k
                for k in Kelurahan.objects.filter(kecamatan__region=region).select_related(
                    "kecamatan"
                )
            },
            {a.code.upper(): a for a in Agency.objects.filter(region=region)},
            places,
            certificates,
        )


def register_plan(rows: list[dict[str, str]], *, region: Region) -> RegisterPlan:
    """Check every row and sort it against the register; ImportRejected lists every bad row."""
    known = _Known.of(region)
    plan = RegisterPlan(region)
    errors: list[RowError] = []
    places: dict = {}  # key -> PlaceRow, in the file
    certificates: dict = {}  # identity -> first row
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        plan.rows += 1
        nul = [
            RowError(number, c, _("berisi karakter NUL (berkas rusak?)"))
            for c, v in row.items()
            if "\x00" in v
        ]
        if nul:
            errors.extend(nul)
            continue
        row_errors: list[RowError] = []
        place, kelurahan, standard = _row_place(number, row, known, places, plan, row_errors)
        if standard is not None and not row_errors:
            certificate = _row_certificate(
                number, row, standard, place, kelurahan, known, row_errors
            )
            if certificate is not None and not row_errors:
                identity = _identity(certificate)
                if identity in certificates:
                    row_errors.append(
                        RowError(
                            number,
                            "standard",
                            _("sertifikasi yang sama sudah ada di baris %(row)s")
                            % {"row": certificates[identity]},
                        )
                    )
                else:
                    certificates[identity] = number
                    plan.certificates.append(certificate)
        errors.extend(row_errors)
    if errors:
        raise ImportRejected(errors)
    return plan


def _row_place(number, row, known: _Known, places, plan, errors):
    """The row's place (or designation kelurahan) and standard, checked."""
    code = row.get("standard", "").strip()
    standard = known.standards.get(code.upper()) if code else None
    if code and standard is None:
        errors.append(
            RowError(number, "standard", _("standar '%(code)s' tidak dikenal") % {"code": code})
        )
    if not code:
        for column in CERTIFICATE_COLUMNS:
            if row.get(column, "").strip():
                errors.append(
                    RowError(
                        number,
                        column,
                        _("isi kolom standard: tanpa standar baris ini hanya mendaftarkan tempat"),
                    )
                )
                break
    kelurahan_code = row.get("kelurahan", "").strip()
    kelurahan = known.kelurahan.get(kelurahan_code)
    if not kelurahan_code:
        errors.append(RowError(number, "kelurahan", _("kode kelurahan kosong")))
    elif kelurahan is None:
        errors.append(
            RowError(
                number,
                "kelurahan",
                _(
                    "kelurahan '%(code)s' tidak dikenal di %(region)s (tulis kode Kemendagri, "
                    "mis. 64.71.01.1001)"
                )
                % {"code": kelurahan_code, "region": known.region},
            )
        )
    type_code = row.get("type", "").strip()
    if not type_code:
        if standard is not None and standard.facility_type_id is None:
            return None, kelurahan, standard  # a designation of the kelurahan
        message = (
            _("jenis kosong: standar %(code)s diberikan kepada %(type)s")
            % {"code": standard.code, "type": standard.facility_type.code}
            if standard is not None
            else _("kode jenis fasilitas kosong")
        )
        errors.append(RowError(number, "type", message))
        return None, kelurahan, standard
    facility_type = known.types.get(type_code.upper())
    if facility_type is None:
        errors.append(
            RowError(
                number, "type", _("jenis fasilitas '%(code)s' tidak dikenal") % {"code": type_code}
            )
        )
        return None, kelurahan, standard
    if standard is not None and standard.facility_type_id != facility_type.pk:
        errors.append(
            RowError(
                number,
                "standard",
                _("standar %(code)s bukan untuk %(type)s")
                % {"code": standard.code, "type": facility_type.code},
            )
        )
    name = " ".join(row.get("name", "").split())
    if not name:
        errors.append(RowError(number, "name", _("nama tempat kosong")))
    elif len(name) > 200:
        errors.append(RowError(number, "name", _("nama lebih dari 200 karakter")))
    address = row.get("address", "").strip()
    if len(address) > 300:
        errors.append(RowError(number, "address", _("alamat lebih dari 300 karakter")))
    agency_code = row.get("agency", "").strip()
    agency = known.agencies.get(agency_code.upper())
    if not agency_code:
        errors.append(RowError(number, "agency", _("kode OPD kosong")))
    elif agency is None:
        errors.append(
            RowError(
                number,
                "agency",
                _("OPD '%(code)s' tidak dikenal di wilayah ini") % {"code": agency_code},
            )
        )
    level = services.level_match(facility_type, row.get("level", ""))
    if errors or kelurahan is None or agency is None:
        return None, kelurahan, standard
    problems = services.facility_problems(
        region=known.region,
        facility_type=facility_type,
        kelurahan=kelurahan,
        agency=agency,
        level=level,
        name="",  # the same name is the same place here, not a clash
    )
    errors.extend(RowError(number, FIELD_COLUMN.get(f), m) for f, m in problems.items())
    if errors:
        return None, kelurahan, standard
    key = (facility_type.pk, kelurahan.pk, name.lower())
    if key in places:
        place = places[key]
        _agree(number, place, agency=agency, level=level, address=address, errors=errors)
        return place, kelurahan, standard
    existing = known.places.get(key)
    place = PlaceRow(number, facility_type, name, kelurahan, agency, level, address, existing)
    if existing is not None:
        if existing.agency_id != agency.pk:
            errors.append(
                RowError(
                    number,
                    "agency",
                    _(
                        "%(name)s sudah terdaftar atas nama %(code)s; ubah OPD-nya di admin "
                        "bila memang pindah"
                    )
                    % {"name": existing.name, "code": existing.agency.code},
                )
            )
            return None, kelurahan, standard
        for attr, value in (("level", level), ("address", address)):
            if value and value != getattr(existing, attr):
                place.changes[attr] = (getattr(existing, attr), value)
    places[key] = place
    plan.places.append(place)
    return place, kelurahan, standard


def _agree(number, place: PlaceRow, *, agency, level, address, errors) -> None:
    """A second row of the same place must not contradict the first."""
    for column, first, now in (
        ("agency", place.agency.code, agency.code),
        ("level", place.level, level),
        ("address", place.address, address),
    ):
        if first and now and first != now:
            errors.append(
                RowError(
                    number,
                    column,
                    _("tempat yang sama di baris %(row)s menulis '%(first)s'")
                    % {"row": place.row, "first": first},
                )
            )


def _row_certificate(number, row, standard, place, kelurahan, known: _Known, errors):
    stage_text = row.get("stage", "").strip()
    stage = _stage(stage_text) if stage_text else None
    if not stage_text:
        errors.append(
            RowError(
                number,
                "stage",
                _("tahap kosong: tulis %(stages)s")
                % {"stages": ", ".join(Certification.Stage.values)},
            )
        )
    elif stage is None:
        errors.append(
            RowError(
                number,
                "stage",
                _("tahap '%(stage)s' tidak dikenal: tulis %(stages)s")
                % {"stage": stage_text, "stages": ", ".join(Certification.Stage.values)},
            )
        )
    dates = {}
    for column in ("granted_on", "valid_until"):
        try:
            dates[column] = parse_date(row.get(column, ""))
        except ValueError:
            errors.append(
                RowError(
                    number,
                    column,
                    _("tanggal '%(text)s' tidak terbaca: tulis TTTT-BB-HH, mis. 2025-03-31")
                    % {"text": row.get(column, "")},
                )
            )
    number_text = row.get("certificate_number", "").strip()
    if len(number_text) > 120:
        errors.append(RowError(number, "certificate_number", _("nomor lebih dari 120 karakter")))
    if errors:
        return None
    problems = services.certification_problems(
        standard=None,
        facility=None,
        kelurahan=kelurahan,
        stage=stage,
        granted_on=dates["granted_on"],
        valid_until=dates["valid_until"],
    )
    errors.extend(RowError(number, FIELD_COLUMN.get(f), m) for f, m in problems.items())
    if errors:
        return None
    certificate = CertificateRow(
        number,
        standard,
        stage,
        number_text,
        dates["granted_on"],
        dates["valid_until"],
        place=place,
        kelurahan=None if place else kelurahan,
    )
    _match_stored(certificate, known)
    return certificate


def _identity(certificate: CertificateRow) -> tuple:
    subject = (
        (
            "place",
            certificate.place.facility_type.pk,
            certificate.place.kelurahan.pk,
            certificate.place.name.lower(),
        )
        if certificate.place
        else ("kelurahan", certificate.kelurahan.pk)
    )
    which = certificate.certificate_number.lower() or certificate.granted_on
    return (*subject, certificate.standard.pk, which)


def _match_stored(certificate: CertificateRow, known: _Known) -> None:
    """The stored certificate this row is, if any, and what the row would change of it."""
    if certificate.place is not None:
        if certificate.place.existing is None:
            return
        key = (certificate.place.existing.pk, None)
    else:
        key = (None, certificate.kelurahan.pk)
    for stored in known.certificates.get(key, []):
        if stored.standard_id != certificate.standard.pk:
            continue
        number = certificate.certificate_number.lower()
        if (number and stored.certificate_number.lower() == number) or (
            not number
            and not stored.certificate_number
            and stored.granted_on == certificate.granted_on
        ):
            certificate.existing = stored
            valid_until = services.certification_valid_until(
                certificate.standard, certificate.granted_on, certificate.valid_until
            )
            for attr, value in (
                ("stage", certificate.stage),
                ("granted_on", certificate.granted_on),
                ("valid_until", valid_until),
                ("certificate_number", certificate.certificate_number),
            ):
                if value != getattr(stored, attr):
                    certificate.changes[attr] = (getattr(stored, attr), value)
            return


# ---- writing ----------------------------------------------------------------------------------


def register_import(
    *,
    content: bytes,
    filename: str,
    region: Region,
    actor=None,
    dry_run: bool = False,
    seen: list | None = None,
    confirmation: str | None = None,
) -> RegisterPlan:
    """Read, check and (unless dry_run) write a register file, all or nothing.

    The admin's confirm step passes the fingerprint its preview saw (`seen`) and the preview's
    single-use `confirmation` id.
    """
    try:
        rows = read_table(content, filename, HEADER)
        with transaction.atomic():
            # One import per region at a time; a portal write meanwhile meets the version check.
            Region.objects.select_for_update().filter(pk=region.pk).first()
            plan = register_plan(rows, region=region)
            if seen is not None and seen != plan.fingerprint():
                raise StalePreview(
                    [
                        RowError(
                            1,
                            None,
                            _(
                                "register berubah sejak pratinjau: tidak ada yang diimpor; unggah "
                                "ulang berkas untuk pratinjau baru"
                            ),
                        )
                    ]
                )
            if confirmation is not None:
                confirmation_use(
                    RegisterImportConfirmation, confirmation, region=region, actor=actor
                )
            if not dry_run:
                _write(plan, actor=actor, reason=_("Impor %(file)s") % {"file": filename})
    except ImportRejected as exc:
        logger.warning(
            "register import rejected region=%s file=%s errors=%s",
            region.slug,
            filename,
            len(exc.errors),
            extra={"event": "register_import", "outcome": "rejected", "errors": len(exc.errors)},
        )
        raise
    logger.info(
        "register import %s region=%s file=%s rows=%s",
        "checked" if dry_run else "written",
        region.slug,
        filename,
        plan.rows,
        extra={"event": "register_import", "outcome": "dry_run" if dry_run else "written"},
    )
    return plan


def _write(plan: RegisterPlan, *, actor, reason: str) -> None:
    saved: dict[int, Facility] = {}
    try:
        for place in plan.places:
            if place.existing is None or place.changes:
                values = {
                    "facility_type": place.facility_type,
                    "name": place.name,
                    "kelurahan": place.kelurahan,
                    "agency": place.agency,
                    "level": place.level or (place.existing.level if place.existing else ""),
                    "address": place.address or (place.existing.address if place.existing else ""),
                }
                saved[id(place)] = services.facility_save(
                    region=plan.region,
                    values=values,
                    actor=actor,
                    facility=place.existing,
                    version=place.existing.version if place.existing else None,
                    reason=reason,
                )
            else:
                saved[id(place)] = place.existing
        for certificate in plan.certificates:
            if certificate.existing is not None and not certificate.changes:
                continue
            services.certification_save(
                values=certificate.values(),
                actor=actor,
                facility=saved[id(certificate.place)] if certificate.place else None,
                kelurahan=certificate.kelurahan,
                certification=certificate.existing,
                version=certificate.existing.version if certificate.existing else None,
                reason=reason,
            )
    except (ValidationError, WorkflowError, IntegrityError):
        # Checked above with the region locked: only a portal write in between gets here.
        raise StalePreview(
            [RowError(1, None, _("register berubah selama impor: ulangi impor"))]
        ) from None

"""Synthetic national data for benchmarks: any number of regions, deterministic for a seed.

Each region draws from its own random stream seeded by (seed, region number), so a region's
data does not depend on how many regions are made in one run: generating 3 regions and then 10
gives the same rows as generating 10 at once. Rows are written with `bulk_create` a chunk of
regions at a time (a constant number of queries per chunk, never one per row) and without
audit history, which synthetic rows do not need.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction

from clusters.models import CategoryBand, Framework, Item
from clusters.selectors import framework_items
from facilities.models import Certification, Facility, FacilityType, Standard
from facilities.services import certification_valid_until, reference_load
from indicators import roles
from indicators.models import (
    Agency,
    Assignment,
    Evidence,
    Kecamatan,
    Kelurahan,
    OfficialResult,
    Period,
    ProvinceMembership,
    Region,
    ReviewEvent,
    Submission,
)
from indicators.seeding.demo import RETURN_NOTES, demo_rows, plausible_answer

CHUNK = 50  # regions per round of inserts: bounds memory, keeps queries per region tiny
BATCH = 2000
EXTRA_ITEMS_PER_AGENCY = 6  # generated agencies answer a few items each, as small OPD do
STATUS = Submission.Status
ACTION = ReviewEvent.Action
EVIDENCE_KINDS = [
    (Evidence.Kind.DOCUMENT, "application/pdf", "pdf"),
    (Evidence.Kind.PHOTO, "image/jpeg", "jpg"),
    (
        Evidence.Kind.SPREADSHEET,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
]
PROVINCES = 38


class SyntheticError(Exception):
    """The data set cannot be generated as asked."""


@dataclass
class SyntheticReport:
    created_regions: list[str] = field(default_factory=list)
    skipped_regions: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def region_slug(number: int) -> str:
    return f"r{number:04d}"


def operator_username(region: str, agency_code: str) -> str:
    return f"{region}.operator.{agency_code.lower()}"


def verifier_username(region: str) -> str:
    return f"{region}.verifikator"


def gugus_tugas_username(region: str) -> str:
    return f"{region}.gugustugas"


def province_name(number: int) -> str:
    """The synthetic province of region number `number` (regions take the 38 in turn)."""
    return f"Provinsi Sintetis {(number - 1) % PROVINCES + 1:02d}"


def province_verifier_username(number: int) -> str:
    """The province verifier of region number `number`'s province (`p01.verifikator`)."""
    return f"p{(number - 1) % PROVINCES + 1:02d}.verifikator"


def synthetic_generate(
    *,
    regions: int,
    periods: int = 1,
    seed: int = 1,
    framework: Framework,
    year: int,
    agencies: int = 40,
    password: str | None = None,
) -> SyntheticReport:
    """Create regions r0001..rNNNN with their data; regions that already exist are skipped."""
    if regions < 1 or periods < 1:
        raise SyntheticError("--regions dan --periods harus paling sedikit 1.")
    if agencies < 3:
        raise SyntheticError("--agencies harus paling sedikit 3 (DP3AKB, BAPPEDA, satu OPD).")
    items = list(framework_items(framework))
    if not items:
        raise SyntheticError(
            f"Instrumen {framework} belum berisi butir: jalankan dulu 'manage.py load_framework'."
        )
    slugs = [region_slug(n) for n in range(1, regions + 1)]
    existing = set(Region.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    report = SyntheticReport(skipped_regions=sorted(existing))
    plan = _Context(
        seed=seed,
        framework=framework,
        items=items,
        years=list(range(year - periods + 1, year + 1)),
        agency_rows=_agency_rows(agencies),
        groups=roles.roles_ensure_groups(),
        bands=list(CategoryBand.objects.filter(framework=framework).order_by("-min_total")),
        password=_password_hash(password, seed),
        demo_codes={row["code"] for row in demo_rows("agencies.csv")},
        **_register_reference(),
    )
    todo = [n for n in range(1, regions + 1) if region_slug(n) not in existing]
    counts = dict.fromkeys(_Rows.NAMES, 0)
    with transaction.atomic(), _fixed_timestamps():
        for start in range(0, len(todo), CHUNK):
            rows = _Rows()
            for number in todo[start : start + CHUNK]:
                _plan_region(plan, rows, number)
            rows.insert()
            for name in _Rows.NAMES:
                counts[name] += len(getattr(rows, name))
            report.created_regions.extend(r.slug for r in rows.regions)
    report.counts = counts
    return report


@dataclass
class _Context:
    seed: int
    framework: Framework
    items: list[Item]
    years: list[int]
    agency_rows: list[dict]
    groups: dict
    bands: list[CategoryBand]
    password: str
    demo_codes: set[str]
    facility_types: dict = field(default_factory=dict)
    standards: dict = field(default_factory=dict)


class _Rows:
    """Unsaved rows of a chunk of regions, inserted parents first so keys flow to children."""

    NAMES = (
        "regions",
        "kecamatan",
        "kelurahan",
        "agencies",
        "facilities",
        "certifications",
        "users",
        "user_groups",
        "members",
        "assignments",
        "periods",
        "submissions",
        "evidence",
        "events",
        "results",
        "provinces",
    )

    def __init__(self):
        for name in self.NAMES:
            setattr(self, name, [])

    def insert(self):
        user_model = get_user_model()
        models = {
            "regions": Region,
            "kecamatan": Kecamatan,
            "kelurahan": Kelurahan,
            "agencies": Agency,
            "facilities": Facility,
            "certifications": Certification,
            "users": user_model,
            "user_groups": user_model.groups.through,
            "members": Agency.members.through,
            "assignments": Assignment,
            "periods": Period,
            "submissions": Submission,
            "evidence": Evidence,
            "events": ReviewEvent,
            "results": OfficialResult,
            "provinces": ProvinceMembership,
        }
        for name in self.NAMES:
            models[name].objects.bulk_create(getattr(self, name), batch_size=BATCH)


def _agency_rows(count: int) -> list[dict]:
    demo = demo_rows("agencies.csv")
    rows = demo[:count]
    for number in range(len(rows) + 1, count + 1):
        rows.append(
            {
                "code": f"OPD{number:02d}",
                "name": f"Perangkat Daerah Sintetis {number:02d}",
                "short_name": f"OPD {number:02d}",
            }
        )
    return rows


def _password_hash(password: str | None, seed: int) -> str:
    """One hash for every synthetic user (hashing per user would take hours at national size)."""
    if password is None:
        return f"{UNUSABLE_PASSWORD_PREFIX}synthetic"  # nobody logs in without --password
    # A salt from the seed keeps two runs identical; these accounts only exist for benchmarks.
    return make_password(password, salt=f"synthetic{seed}")


@contextlib.contextmanager
def _fixed_timestamps():
    """Let synthetic submissions keep their drawn times instead of `auto_now` stamping now."""
    fields = [Submission._meta.get_field("created_at"), Submission._meta.get_field("updated_at")]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _moment(rng: random.Random, year: int, after: datetime.datetime | None = None):
    start = after or datetime.datetime(year, 1, 2, 8, tzinfo=datetime.UTC)
    return start + datetime.timedelta(minutes=rng.randint(30, 60 * 24 * 20))


def _plan_region(ctx: _Context, rows: _Rows, number: int) -> None:
    rng = random.Random(f"{ctx.seed}:{number}")
    slug = region_slug(number)
    kind = "Kota" if rng.random() < 0.19 else "Kabupaten"  # 98 kota among 514
    region = Region(
        slug=slug,
        name=f"{kind} Sintetis {number:04d}",
        province=province_name(number),
    )
    rows.regions.append(region)
    if number <= PROVINCES:  # the first region of a province brings its province verifier
        _province_verifier(ctx, rows, number)
    agencies = _plan_places(ctx, rng, rows, region)
    _plan_register(ctx, random.Random(f"{ctx.seed}:{number}:register"), rows, region, agencies)
    joined = datetime.datetime(ctx.years[0], 1, 1, tzinfo=datetime.UTC)
    operators = {
        code: _user(ctx, rows, operator_username(slug, code), roles.OPERATOR, agency, joined)
        for code, agency in agencies.items()
    }
    verifier = _user(
        ctx, rows, verifier_username(slug), roles.VERIFIER, agencies["DP3AKB"], joined, staff=True
    )
    _user(ctx, rows, gugus_tugas_username(slug), roles.GUGUS_TUGAS, agencies["BAPPEDA"], joined)
    pairs = _plan_assignments(ctx, rng, rows, agencies)
    for year in ctx.years:
        locked = year != ctx.years[-1]
        period = Period(
            region=region,
            framework=ctx.framework,
            year=year,
            opens_on=datetime.date(year, 1, 2),
            closes_on=datetime.date(year, 12, 31),
            locked=locked,
        )
        rows.periods.append(period)
        for agency, item in pairs:
            _plan_submission(
                rng, rows, period, agency, item, operators[agency.code], verifier, locked
            )
        if locked:
            rows.results.append(_official_result(ctx, rng, period))


def _plan_places(ctx: _Context, rng: random.Random, rows: _Rows, region: Region) -> dict:
    """The region's kecamatan and agencies; returns the agencies by code."""
    for k in range(1, rng.randint(5, 20) + 1):
        rows.kecamatan.append(
            Kecamatan(
                region=region,
                code=f"{region.slug}-{k:02d}",
                name=f"Kecamatan {k:02d} {region.slug}",
                kelurahan_count=rng.randint(4, 20),
            )
        )
    agencies = {}
    for row in ctx.agency_rows:
        agency = Agency(
            region=region, code=row["code"], name=row["name"], short_name=row["short_name"]
        )
        agencies[row["code"]] = agency
        rows.agencies.append(agency)
    return agencies


def _register_reference() -> dict:
    """The register's facility types and standards, loaded once for every region."""
    reference_load()
    return {
        "facility_types": {t.code: t for t in FacilityType.objects.all()},
        "standards": {s.code: s for s in Standard.objects.all()},
    }


def _plan_register(ctx: _Context, rng: random.Random, rows: _Rows, region: Region, agencies):
    """Kelurahan under each kecamatan and a register of places in them, like the demo city's:
    a park and a puskesmas per kecamatan (some certified), schools, a Forum Anak and a PATBM in
    most kelurahan. Its own random stream, so the rest of the region's data stays as it was."""
    number = int(region.slug[1:])
    region.kemendagri_code = f"99.{number:04d}"
    types, standards = ctx.facility_types, ctx.standards
    granted = datetime.date(ctx.years[-1] - 1, 6, 1)
    kota = None
    kecamatan_rows = [k for k in rows.kecamatan if k.region is region]

    def add(type_code, name, kelurahan, agency, level=""):
        facility = Facility(
            region=region,
            facility_type=types[type_code],
            name=name,
            kelurahan=kelurahan,
            level=level,
            agency=agencies.get(agency) or agencies["DP3AKB"],  # a small run may lack the OPD
        )
        rows.facilities.append(facility)
        return facility

    def certify(facility, code, stage=Certification.Stage.GRANTED):
        standard = standards[code]
        rows.certifications.append(
            Certification(
                facility=facility,
                standard=standard,
                stage=stage,
                certificate_number=f"{code}-{len(rows.certifications) + 1}",
                granted_on=granted if stage == Certification.Stage.GRANTED else None,
                valid_until=certification_valid_until(standard, granted, None)
                if stage == Certification.Stage.GRANTED
                else None,
            )
        )

    for k, kecamatan in enumerate(kecamatan_rows, start=1):
        kecamatan.kemendagri_code = f"{region.kemendagri_code}.{k:02d}"
        areas = []
        for n in range(1, kecamatan.kelurahan_count + 1):
            area = Kelurahan(
                kecamatan=kecamatan,
                code=f"{kecamatan.kemendagri_code}.{n:02d}",
                name=f"Kelurahan {n:02d} {kecamatan.code}",
            )
            rows.kelurahan.append(area)
            areas.append(area)
            if rng.random() < 0.8:
                add("FORUM_ANAK", f"Forum Anak {area.name}", area, "DP3AKB", "kelurahan")
            if rng.random() < 0.7:
                add("PATBM", f"PATBM {area.name}", area, "DP3AKB")
        kota = kota or areas[0]
        if rng.random() < 0.8:
            park = add("RUANG_BERMAIN", f"Taman {kecamatan.code}", areas[0], "DLH")
            if rng.random() < 0.3:
                certify(park, "RBRA")
        puskesmas = add("PUSKESMAS", f"Puskesmas {kecamatan.code}", areas[-1], "DINKES")
        if rng.random() < 0.6:
            certify(puskesmas, "PRAP")
        for s, level in enumerate(("PAUD", "SD/MI", "SMP/MTs")):
            school = add(
                "SEKOLAH",
                f"{level} {s + 1} {kecamatan.code}",
                areas[s % len(areas)],
                "DISDIK",
                level,
            )
            if rng.random() < 0.5:
                certify(school, "SRA")
    add("FORUM_ANAK", f"Forum Anak {region.name}", kota, "DP3AKB", "kota")
    add("PUSPAGA", f"PUSPAGA {region.name}", kota, "DP3AKB")
    add("UPTD_PPA", f"UPTD PPA {region.name}", kota, "DP3AKB")


def _plan_assignments(ctx: _Context, rng: random.Random, rows: _Rows, agencies: dict) -> list:
    """Who supplies what: the demo city's assignments, plus a few items for the other OPD."""
    pairs = [
        (agencies[code], item)
        for item in ctx.items
        for code in item.agency_codes
        if code in agencies
    ]
    for code, agency in agencies.items():
        if code not in ctx.demo_codes:
            pairs.extend((agency, item) for item in rng.sample(ctx.items, EXTRA_ITEMS_PER_AGENCY))
    rows.assignments.extend(Assignment(agency=agency, item=item) for agency, item in pairs)
    return pairs


def _user(ctx, rows, username, group, agency, joined, staff=False):
    user = get_user_model()(
        username=username,
        email=f"{username}@example.invalid",
        password=ctx.password,
        is_staff=staff,
        date_joined=joined,
    )
    rows.users.append(user)
    rows.user_groups.append(get_user_model().groups.through(user=user, group=ctx.groups[group]))
    rows.members.append(Agency.members.through(agency=agency, user=user))
    return user


def _province_verifier(ctx, rows, number):
    """A province verifier bound to the province: in its group, member of no agency."""
    user = get_user_model()(
        username=province_verifier_username(number),
        email=f"{province_verifier_username(number)}@example.invalid",
        password=ctx.password,
        is_staff=True,
        date_joined=datetime.datetime(ctx.years[0], 1, 1, tzinfo=datetime.UTC),
    )
    rows.users.append(user)
    rows.user_groups.append(
        get_user_model().groups.through(user=user, group=ctx.groups[roles.PROVINCE_VERIFIER])
    )
    rows.provinces.append(ProvinceMembership(user=user, province=province_name(number)))


def _status(rng: random.Random, locked: bool) -> str | None:
    roll = rng.random()
    if locked:  # a finished year: nearly all approved, a few left hanging at the deadline
        return (
            STATUS.APPROVED if roll < 0.92 else STATUS.RETURNED if roll < 0.96 else STATUS.SUBMITTED
        )
    if roll < 0.02:
        return None  # not started yet
    if roll < 0.57:
        return STATUS.APPROVED
    if roll < 0.74:
        return STATUS.SUBMITTED
    if roll < 0.82:
        return STATUS.RETURNED
    return STATUS.DRAFT


def _plan_submission(rng, rows, period, agency, item, operator, verifier, locked):
    status = _status(rng, locked)
    if status is None:
        return
    created = _moment(rng, period.year)
    submission = Submission(
        agency=agency,
        item=item,
        period=period,
        status=status,
        narrative=f"Data {agency.short_name} tahun {period.year}.",
        created_at=created,
        updated_by=operator,
        **plausible_answer(item, rng),
    )
    events, when = _review_steps(rng, status, operator, verifier, period.year, created)
    for action, from_status, to_status, actor, note in events:
        when = _moment(rng, period.year, when)
        if action == ACTION.SUBMITTED:
            submission.submitted_at = when
        rows.events.append(
            ReviewEvent(
                submission=submission,
                action=action,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                note=note,
                created_at=when,
            )
        )
    submission.version = len(events) + 1
    submission.updated_at = when
    rows.submissions.append(submission)

    # About two files per submission on average, as the national estimate assumes.
    low, high = {STATUS.APPROVED: (1, 4), STATUS.DRAFT: (0, 2)}.get(status, (1, 3))
    for n in range(1, rng.randint(low, high) + 1):
        kind, content_type, suffix = rng.choice(EVIDENCE_KINDS)
        digest = f"{rng.getrandbits(256):064x}"
        name = f"{item.code}_{agency.code}_{period.year}_{n}.{suffix}"
        rows.evidence.append(
            Evidence(
                submission=submission,
                # A name only: synthetic evidence has no file body in storage.
                file=f"evidence/synthetic/{period.region.slug}/{digest[:32]}.{suffix}",
                original_name=name,
                title=f"{item.code} {agency.short_name} {period.year} ({n})",
                kind=kind,
                content_type=content_type,
                size=rng.randint(20_000, 5_000_000),
                sha256=digest,
                uploaded_by=operator,
                uploaded_at=_moment(rng, period.year, created),
            )
        )


def _official_result(ctx: _Context, rng: random.Random, period: Period) -> OfficialResult:
    self_assessment = Decimal(rng.randint(70_000, 98_000)) / 100
    administrative = self_assessment - Decimal(rng.randint(0, 12_000)) / 100
    final = administrative - Decimal(rng.randint(0, 5_000)) / 100
    category = next((b.name for b in ctx.bands if final >= b.min_total), "")
    return OfficialResult(
        period=period,
        self_assessment=self_assessment,
        administrative_verification=administrative,
        final_score=final,
        category=category,
        decree=f"Keputusan Menteri PPPA tentang Penghargaan KLA {period.year} (sintetis)",
    )


def _review_steps(rng, status, operator, verifier, year, created) -> tuple[list[tuple], object]:
    """The (action, from, to, actor, note) steps that led to a status, and the time they start."""
    events, when = [], created
    if status == STATUS.DRAFT:
        return events, when
    if status == STATUS.APPROVED and rng.random() < 0.2:  # one round of corrections first
        when = _moment(rng, year, when)
        events.append((ACTION.SUBMITTED, STATUS.DRAFT, STATUS.SUBMITTED, operator, ""))
        events.append(
            (ACTION.RETURNED, STATUS.SUBMITTED, STATUS.RETURNED, verifier, rng.choice(RETURN_NOTES))
        )
        events.append((ACTION.SUBMITTED, STATUS.RETURNED, STATUS.SUBMITTED, operator, ""))
    else:
        events.append((ACTION.SUBMITTED, STATUS.DRAFT, STATUS.SUBMITTED, operator, ""))
    if status == STATUS.APPROVED:
        events.append((ACTION.APPROVED, STATUS.SUBMITTED, STATUS.APPROVED, verifier, ""))
    elif status == STATUS.RETURNED:
        note = rng.choice(RETURN_NOTES)
        events.append((ACTION.RETURNED, STATUS.SUBMITTED, STATUS.RETURNED, verifier, note))
    return events, when

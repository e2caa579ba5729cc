"""Demo data: Kota Balikpapan, its agencies, users, periods and a believable partly-done year."""

from __future__ import annotations

import csv
import datetime
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clusters.models import Framework, Item
from clusters.selectors import framework_items
from indicators import roles
from indicators.models import (
    Agency,
    Assignment,
    Kecamatan,
    Kelurahan,
    OfficialResult,
    Period,
    Region,
    ReviewEvent,
    Submission,
)
from indicators.seeding.documents import DemoDocuments
from indicators.selectors.readiness import submission_readiness

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
REGION = {
    "slug": "balikpapan",
    "name": "Kota Balikpapan",
    "province": "Kalimantan Timur",
    "kemendagri_code": "64.71",
}
RETURN_NOTES = [
    "Lampirkan SK yang sudah ditandatangani dan bernomor.",
    "Angka penyebut berbeda dengan data BPS; mohon dicek kembali.",
    "Foto kegiatan belum menunjukkan tanggal dan lokasi.",
]


@dataclass
class SeedReport:
    region: Region
    period: Period
    created_users: list[str] = field(default_factory=list)
    password: str | None = None
    filled: int = 0


def demo_rows(name: str) -> list[dict]:
    """The rows of one of the demo city's CSV files (agencies, kecamatan, kelurahan)."""
    with open(DEMO / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _seed_places(region: Region) -> None:
    """The demo city's kecamatan and kelurahan with their Kemendagri codes (idempotent)."""
    if not region.kemendagri_code:
        region.kemendagri_code = REGION["kemendagri_code"]
        region.save(update_fields=["kemendagri_code"])
    kecamatan = {}
    for row in demo_rows("kecamatan.csv"):
        kecamatan[row["code"]], created = Kecamatan.objects.get_or_create(
            region=region,
            code=row["code"],
            defaults={
                "name": row["name"],
                "kemendagri_code": row["kemendagri_code"],
                "kelurahan_count": int(row["kelurahan_count"]),
            },
        )
        if not created and not kecamatan[row["code"]].kemendagri_code:
            kecamatan[row["code"]].kemendagri_code = row["kemendagri_code"]
            kecamatan[row["code"]].save(update_fields=["kemendagri_code"])
    for row in demo_rows("kelurahan.csv"):
        Kelurahan.objects.get_or_create(
            code=row["code"],
            defaults={"kecamatan": kecamatan[row["kecamatan"]], "name": row["name"]},
        )


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF carrying a title, for demo evidence."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")[:80]
    stream = f"BT /F1 14 Tf 60 780 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@transaction.atomic
def demo_seed(
    *, framework: Framework, with_values: bool = True, password: str | None = None
) -> SeedReport:
    """Create the demo city, users and periods; fill values once. Safe to run again."""
    groups = roles.roles_ensure_groups()
    region, _ = Region.objects.get_or_create(slug=REGION["slug"], defaults=REGION)
    _seed_places(region)
    agencies = {}
    for row in demo_rows("agencies.csv"):
        agencies[row["code"]], _ = Agency.objects.get_or_create(
            region=region,
            code=row["code"],
            defaults={"name": row["name"], "short_name": row["short_name"]},
        )
    items = list(framework_items(framework))
    existing = set(Assignment.objects.filter(agency__region=region).values_list("agency", "item"))
    Assignment.objects.bulk_create(
        Assignment(agency=agencies[code], item=item)
        for item in items
        for code in item.agency_codes
        if code in agencies and (agencies[code].pk, item.pk) not in existing
    )

    today = timezone.localdate()
    period, _ = Period.objects.get_or_create(
        region=region,
        year=today.year,
        defaults={
            "framework": framework,
            "opens_on": min(datetime.date(today.year, 1, 2), today),
            "closes_on": today + datetime.timedelta(days=30),
        },
    )
    previous, _ = Period.objects.get_or_create(
        region=region,
        year=today.year - 1,
        defaults={
            "framework": framework,
            "opens_on": datetime.date(today.year - 1, 1, 2),
            "closes_on": datetime.date(today.year - 1, 6, 30),
            "locked": True,
        },
    )
    report = SeedReport(region, period)
    _seed_users(report, groups, agencies, password)
    if with_values:
        admin = get_user_model().objects.filter(username="admin").first()
        if not previous.submissions.exists():
            _fill(previous, items, agencies, admin, random.Random(previous.year), done=True)
            OfficialResult.objects.get_or_create(
                period=previous,
                defaults={
                    "self_assessment": Decimal("902.35"),
                    "administrative_verification": Decimal("861.20"),
                    "final_score": Decimal("845.60"),
                    "category": "Utama",
                    "decree": f"Keputusan Menteri PPPA tentang Penghargaan KLA {previous.year}",
                },
            )
        if not period.submissions.exists():
            report.filled = _fill(period, items, agencies, admin, random.Random(period.year))
        # verification builds on indicators: imported here, where the demo needs its stages.
        from verification.seeding import demo_stages

        demo_stages(previous, agencies, admin)
    return report


def _seed_users(report, groups, agencies, password):
    users = get_user_model().objects
    plan = [
        ("admin", None, None, {"is_staff": True, "is_superuser": True}),
        ("verifikator", roles.VERIFIER, "DP3AKB", {"is_staff": True}),
        # Nobody reviews their own agency's answers, and DP3AKB answers items too: a second
        # reviewer, in the region through the Gugus Tugas secretariat at Bappeda, reviews them.
        ("verifikator2", roles.VERIFIER, "BAPPEDA", {"is_staff": True}),
        ("gugustugas", roles.GUGUS_TUGAS, "BAPPEDA", {}),
    ] + [(f"operator.{code.lower()}", roles.OPERATOR, code, {}) for code in agencies]
    new_password = password or secrets.token_urlsafe(9)
    for username, group, agency_code, flags in plan:
        user, created = users.get_or_create(
            username=username, defaults={"email": f"{username}@example.invalid", **flags}
        )
        if created or password:
            user.set_password(new_password)
            user.save()
        if created:
            report.created_users.append(username)
        if group:
            user.groups.add(groups[group])
        if agency_code:
            agencies[agency_code].members.add(user)
    if report.created_users or password:
        report.password = new_password


def _fill(period, items, agencies, actor, rng, done=False) -> int:
    """Believable answers: most approved, some submitted or returned, a few drafts or gaps."""
    count = 0
    documents = DemoDocuments(period, random.Random(period.year * 7), complete=done)
    for item in items:
        for code in item.agency_codes:
            agency = agencies.get(code)
            roll = rng.random()
            if agency is None or (not done and roll > 0.93):
                continue
            if done or roll < 0.6:
                status = Submission.Status.APPROVED
            elif roll < 0.76:
                status = Submission.Status.SUBMITTED
            elif roll < 0.85:
                status = Submission.Status.RETURNED
            else:
                status = Submission.Status.DRAFT
            submission = Submission.objects.create(
                agency=agency,
                item=item,
                period=period,
                status=status,
                narrative=f"Data {agency.short_name} tahun {period.year}.",
                submitted_at=None if status == Submission.Status.DRAFT else timezone.now(),
                updated_by=actor,
                **plausible_answer(item, rng),
            )
            count += 1
            if status != Submission.Status.DRAFT:
                _event(submission, ReviewEvent.Action.SUBMITTED, "draft", "submitted", None, "")
            if status == Submission.Status.APPROVED:
                _event(submission, ReviewEvent.Action.APPROVED, "submitted", "approved", actor, "")
            if status == Submission.Status.RETURNED:
                note = rng.choice(RETURN_NOTES)
                _event(
                    submission, ReviewEvent.Action.RETURNED, "submitted", "returned", actor, note
                )
            if status != Submission.Status.DRAFT and (done or rng.random() < 0.9):
                title = f"{item.code} {agency.short_name} {period.year}"
                documents.attach(submission, title, demo_pdf)
            if status == Submission.Status.APPROVED and not done:
                _mark_gaps(submission)
    return count


def plausible_answer(item: Item, rng: random.Random) -> dict:
    """A believable answer of the item's kind, mostly good, drawn from `rng`."""
    if item.kind == Item.Kind.CHECK:
        return {"answer_yes": rng.random() < 0.93}
    if item.kind == Item.Kind.COUNT:
        top = max((t for t, _ in _bands(item)), default=Decimal(5))
        return {"count": rng.randint(int(top) // 2, int(top) + 2)}
    share = Decimal(rng.uniform(0.8, 1.0))
    worst, best = Decimal(item.worst), Decimal(item.best)
    percent = min(max(worst + (best - worst) * share, Decimal(0)), Decimal(100))
    denominator = Decimal(rng.randint(40, 12000))
    numerator = (denominator * percent / 100).quantize(Decimal(1))
    return {"numerator": numerator, "denominator": denominator}


def _bands(item):
    from clusters.scoring import parse_bands

    return parse_bands(item.bands)


def _event(submission, action, from_status, to_status, actor, note):
    ReviewEvent.objects.create(
        submission=submission,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
    )


def _mark_gaps(submission):
    # Demo approvals of incomplete files read as DP3AKB would have recorded them.
    readiness = submission_readiness(submission)
    if not readiness.ready:
        Submission.objects.filter(pk=submission.pk).update(approved_with_gaps=True)
        submission.events.filter(action=ReviewEvent.Action.APPROVED).update(
            with_gaps=True, note="Disetujui dengan catatan: dokumen menyusul sebelum verifikasi."
        )

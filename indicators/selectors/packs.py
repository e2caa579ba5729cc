"""What a verification pack holds: the files of a scope, each with where it goes in the archive.

Scopes: `approved` (approved submissions), `ready` (approved and ready on the period's
reference date, the one rule of selectors/readiness.py), `all` (every submission that is not
a draft) and `findings` (only the files that answer open or answered findings, whatever their
submission's status: verification/selectors/findings.answering_evidence). Filters narrow by
cluster, agency and item code. Everything is read in a fixed number of queries, however many
files the scope holds.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.db.models import Q

from clusters.models import Cluster, Item
from indicators.answers import format_answer
from indicators.models import Agency, Evidence, Period, ReviewEvent, Submission
from indicators.selectors import readiness
from indicators.selectors.periods import NotFound

APPROVED, READY, ALL, FINDINGS = "approved", "ready", "all", "findings"
SCOPES = (APPROVED, READY, ALL, FINDINGS)
S = Submission.Status
STATUSES = {
    APPROVED: (S.APPROVED,),
    READY: (S.APPROVED,),
    ALL: (S.SUBMITTED, S.RETURNED, S.APPROVED),
    FINDINGS: tuple(S),
}


def _answering(period: Period):
    # verification builds on indicators; imported here, where the pack asks for its files.
    from verification.selectors.findings import answering_evidence

    return answering_evidence(period)


@dataclass(frozen=True)
class Filters:
    """The scope and the codes that narrow it (empty: no narrowing)."""

    scope: str = APPROVED
    cluster: str = ""
    agency: str = ""
    item: str = ""


@dataclass
class PackFile:
    """One evidence file of the scope, with everything the index says about it."""

    evidence_id: int
    storage_name: str
    size: int
    sha256: str
    original_name: str
    title: str
    document_number: str
    document_date: datetime.date | None
    valid_until: datetime.date | None
    requirement: str
    cluster: str
    cluster_name: str
    indicator: str
    indicator_name: str
    item: str
    item_name: str
    agency: str
    agency_name: str
    submission_id: int
    status: str
    approved_by: str = ""
    approved_at: datetime.datetime | None = None
    path: str = ""


@dataclass
class PackItem:
    """One submission of the scope (an item answered by an agency), for the items sheet."""

    cluster: str
    indicator: str
    item: str
    item_name: str
    agency: str
    status: str
    answer: str
    files: int


def clean_name(name: str) -> str:
    """A file name that every archive tool and `sha256sum -c` reads: `Sertifikat RBRA
    Bekapai.pdf` becomes `sertifikat-rbra-bekapai.pdf`."""
    path = PurePosixPath(re.split(r"[/\\]", name or "")[-1])
    suffix = path.suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", path.suffix) else ""
    stem = path.name[: -len(path.suffix)] if suffix else path.name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")[:80].strip("-")
    return f"{slug or 'berkas'}{suffix}"


def check_filters(period: Period, filters: Filters) -> Filters:
    """The filters with codes as stored, or NotFound naming the code that matches nothing."""
    if filters.scope not in SCOPES:
        raise NotFound(
            f"Cakupan '{filters.scope}' tidak dikenal: pilih 'approved', 'ready', 'all' "
            "atau 'findings'."
        )
    found = {}
    lookups = (
        ("cluster", Cluster.objects.filter(framework=period.framework), "klaster"),
        ("agency", Agency.objects.filter(region=period.region), "OPD"),
        ("item", Item.objects.filter(indicator__cluster__framework=period.framework), "butir"),
    )
    for name, rows, label in lookups:
        code = getattr(filters, name).strip()
        if not code:
            found[name] = ""
            continue
        stored = rows.filter(code__iexact=code).values_list("code", flat=True).first()
        if stored is None:
            raise NotFound(f"Kode {label} '{code}' tidak dikenal di {period}.")
        found[name] = stored
    return Filters(filters.scope, **found)


def scope_submissions(period: Period, filters: Filters):
    """The scope's submissions (not yet judged for readiness)."""
    rows = Submission.objects.filter(period=period, status__in=STATUSES[filters.scope])
    if filters.cluster:
        rows = rows.filter(item__indicator__cluster__code=filters.cluster)
    if filters.agency:
        rows = rows.filter(agency__code=filters.agency)
    if filters.item:
        rows = rows.filter(item__code=filters.item)
    if filters.scope == READY:
        rows = rows.filter(pk__in=readiness.ready_ids([period], STATUSES[READY]))
    if filters.scope == FINDINGS:
        rows = rows.filter(pk__in=_answering(period).values("submission_id"))
    return rows


ORDER = (
    "submission__item__indicator__cluster__order",
    "submission__item__indicator__number",
    "submission__item__order",
    "submission__item__code",
    "submission__agency__code",
    "uploaded_at",
    "pk",
)


def pack_files(period: Period, filters: Filters) -> list[PackFile]:
    """Every evidence file of the scope in the instrument's order, each with its archive path.

    A stored file that two rows share goes into the archive once: the later rows point to the
    first one's path.
    """
    submissions = scope_submissions(period, filters)
    evidence = Evidence.objects.filter(submission__in=submissions.values("pk"))
    if filters.scope == FINDINGS:
        evidence = evidence.filter(pk__in=_answering(period).values("pk"))
    evidence = (
        evidence.exclude(file="")
        .select_related(
            "requirement",
            "submission__agency",
            "submission__item__indicator__cluster",
        )
        .order_by(*ORDER)
    )
    approvals = _approvals(submissions)
    files, paths, numbers = [], {}, {}
    for e in evidence.iterator(chunk_size=500):
        sub = e.submission
        item, agency = sub.item, sub.agency
        indicator, cluster = item.indicator, item.indicator.cluster
        who, when = approvals.get(sub.pk, ("", None))
        row = PackFile(
            evidence_id=e.pk,
            storage_name=e.file.name,
            size=e.size,
            sha256=e.sha256,
            original_name=e.original_name,
            title=e.title,
            document_number=e.document_number,
            document_date=e.document_date,
            valid_until=e.valid_until,
            requirement=e.requirement.name if e.requirement else "",
            cluster=cluster.code,
            cluster_name=cluster.name,
            indicator=indicator.code,
            indicator_name=indicator.name,
            item=item.code,
            item_name=item.name,
            agency=agency.code,
            agency_name=agency.name,
            submission_id=sub.pk,
            status=sub.get_status_display(),
            approved_by=who,
            approved_at=when,
        )
        if e.file.name in paths:
            row.path = paths[e.file.name]
        else:
            folder = f"{cluster.code}/{indicator.code}/{item.code}/{agency.code}"
            numbers[folder] = numbers.get(folder, 0) + 1
            row.path = f"{folder}/{numbers[folder]:02d}-{clean_name(e.original_name)}"
            paths[e.file.name] = row.path
        files.append(row)
    return files


def _approvals(submissions) -> dict[int, tuple[str, datetime.datetime]]:
    """Per submission id, who approved it last and when, in one query."""
    events = (
        ReviewEvent.objects.filter(submission__in=submissions.values("pk"), to_status=S.APPROVED)
        .filter(Q(action=ReviewEvent.Action.APPROVED) | Q(action=ReviewEvent.Action.IMPORTED))
        .select_related("actor")
        .order_by("submission_id", "created_at", "id")
    )
    found = {}
    for event in events:
        actor = event.actor
        name = (actor.get_full_name() or actor.get_username()) if actor else ""
        found[event.submission_id] = (name, event.created_at)
    return found


def pack_items(period: Period, filters: Filters, files: list[PackFile]) -> list[PackItem]:
    """The scope's submissions with their answers, in the instrument's order."""
    counts = {}
    for row in files:
        counts[row.submission_id] = counts.get(row.submission_id, 0) + 1
    rows = (
        scope_submissions(period, filters)
        .select_related("agency", "item__indicator__cluster")
        .order_by(*(part.removeprefix("submission__") for part in ORDER[:5]))
    )
    return [
        PackItem(
            cluster=s.item.indicator.cluster.code,
            indicator=s.item.indicator.code,
            item=s.item.code,
            item_name=s.item.name,
            agency=s.agency.code,
            status=s.get_status_display(),
            answer=format_answer(s),
            files=counts.get(s.pk, 0),
        )
        for s in rows
    ]

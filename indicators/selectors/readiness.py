"""Readiness for the ministry's verification: the documents each item asks for, judged by date.

The rule (`shared/kla/README.md`): a submission is ready when every required document of its
item has at least one attached file that meets its date rules on the period's reference date.
A document with `max_age_months` must be dated no earlier than that many months before the
reference date (the same day of the month, or the month's last day when it has fewer days);
a document that `must_be_in_force` must be valid on the reference date itself (no end date: in
force). `evaluate` is that rule over plain values; everything else here only feeds it, in a
fixed number of queries however many submissions are judged.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F
from django.utils.translation import gettext as _

from clusters.models import EvidenceRequirement
from indicators.models import Evidence, Period, Submission

MET, MISSING, TOO_OLD, EXPIRED, OPTIONAL = "met", "missing", "too_old", "expired", "optional"


@dataclass(frozen=True)
class Requirement:
    """One document an item asks for, as plain values."""

    id: int
    code: str
    name: str
    required: bool
    max_age_months: int | None
    must_be_in_force: bool
    name_en: str = ""
    doc_type: str = ""
    item_code: str = ""  # the item's code and kind: which `feeds` rule may speak for it
    item_kind: str = ""


@dataclass(frozen=True)
class Document:
    """A file's claim to meet a requirement: which one, its date and its end of validity."""

    requirement_id: int | None
    document_date: datetime.date | None
    valid_until: datetime.date | None = None
    evidence_id: int | None = None
    # The register of facilities stands in for a file: its listing, or a certificate it holds.
    from_register: bool = False


def months_before(day: datetime.date, months: int) -> datetime.date:
    """`day` minus whole months; the 31st of March minus one month is the 28th (or 29th) of Feb."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def earliest_date(requirement: Requirement, reference: datetime.date) -> datetime.date | None:
    """The earliest document date the requirement accepts on the reference date (None: any)."""
    if requirement.max_age_months is None:
        return None
    return months_before(reference, requirement.max_age_months)


def is_recent_enough(requirement, document: Document, reference: datetime.date) -> bool:
    earliest = earliest_date(requirement, reference)
    return earliest is None or document.document_date >= earliest


def is_in_force(requirement, document: Document, reference: datetime.date) -> bool:
    if not requirement.must_be_in_force:
        return True
    return document.valid_until is None or document.valid_until >= reference


@dataclass
class Check:
    """One requirement on one submission: its state and the files that claim to meet it."""

    requirement: Requirement
    state: str
    documents: list[Document] = field(default_factory=list)
    too_old: bool = False
    expired: bool = False

    @property
    def label(self) -> str:
        return {
            MET: _("terpenuhi"),
            MISSING: _("belum ada berkas"),
            TOO_OLD: _("terlalu lama"),
            EXPIRED: _("sudah tidak berlaku"),
            OPTIONAL: _("pelengkap, belum ada berkas"),
        }[self.state]


@dataclass
class Readiness:
    """The checklist of one submission, and what keeps it from being ready."""

    reference_date: datetime.date
    checks: list[Check]

    def _codes(self, test) -> list[str]:
        return [c.requirement.code for c in self.checks if c.requirement.required and test(c)]

    @property
    def missing(self) -> list[str]:
        return self._codes(lambda c: c.state == MISSING)

    @property
    def too_old(self) -> list[str]:
        return self._codes(lambda c: c.state != MET and c.too_old)

    @property
    def expired(self) -> list[str]:
        return self._codes(lambda c: c.state != MET and c.expired)

    @property
    def ready(self) -> bool:
        return all(c.state == MET for c in self.checks if c.requirement.required)

    @property
    def gaps(self) -> list[str]:
        """The problems in words: 'sk: belum ada berkas', for messages and the dashboard."""
        return [
            f"{c.requirement.code}: {c.label}"
            for c in self.checks
            if c.requirement.required and c.state != MET
        ]


def evaluate(
    requirements: Iterable[Requirement], documents: Iterable[Document], reference: datetime.date
) -> Readiness:
    """The readiness of one submission: its item's requirements against its files' dates."""
    by_requirement = defaultdict(list)
    for document in documents:
        # A file without its document date meets nothing until the date is completed.
        if document.requirement_id is not None and document.document_date is not None:
            by_requirement[document.requirement_id].append(document)
    checks = []
    for requirement in requirements:
        files = by_requirement.get(requirement.id, [])
        if not files:
            checks.append(Check(requirement, MISSING if requirement.required else OPTIONAL))
            continue
        recent = [is_recent_enough(requirement, d, reference) for d in files]
        in_force = [is_in_force(requirement, d, reference) for d in files]
        if any(r and f for r, f in zip(recent, in_force, strict=True)):
            checks.append(Check(requirement, MET, files))
            continue
        # No file passes both rules: name each rule some file fails (a file may fail both).
        too_old, expired = not all(recent), not all(in_force)
        state = TOO_OLD if too_old else EXPIRED
        checks.append(Check(requirement, state, files, too_old=too_old, expired=expired))
    return Readiness(reference, checks)


# ---- from the database -----------------------------------------------------------------------


def requirements_by_item(
    item_ids: Iterable[int] | None = None, **where
) -> dict[int, list[Requirement]]:
    """Per item id, its requirements in the instrument's order, in one query (items by id, or
    by `where` lookups so that the query runs even when there is nothing to find)."""
    found = defaultdict(list)
    rows = EvidenceRequirement.objects.filter(
        **({"item_id__in": set(item_ids)} if item_ids is not None else where)
    )
    rows = rows.annotate(item_code=F("item__code"), item_kind=F("item__kind"))
    for r in rows.order_by("item_id", "order", "code"):
        found[r.item_id].append(
            Requirement(
                r.pk,
                r.code,
                r.name,
                r.required,
                r.max_age_months,
                r.must_be_in_force,
                r.name_en,
                r.doc_type,
                r.item_code,
                r.item_kind,
            )
        )
    return found


def document_of(evidence: Evidence) -> Document:
    return Document(
        evidence.requirement_id, evidence.document_date, evidence.valid_until, evidence.pk
    )


def documents_by_submission(
    submission_ids: Iterable[int] | None = None, **where
) -> dict[int, list[Document]]:
    """Per submission id, its files' claims, in one query (by id, or by `where` lookups)."""
    found = defaultdict(list)
    rows = (
        Evidence.objects.filter(
            **({"submission_id__in": list(submission_ids)} if submission_ids is not None else where)
        )
        .order_by()
        .values_list("submission_id", "requirement_id", "document_date", "valid_until", "pk")
    )
    for submission_id, requirement_id, document_date, valid_until, pk in rows:
        found[submission_id].append(Document(requirement_id, document_date, valid_until, pk))
    return found


# The documents the register of facilities can stand in for (facilities/selectors.py).
REGISTER_DOC_TYPES = ("data", "sertifikat")


def with_register(documents: dict, rows, requirements: dict, periods=None, known=None) -> dict:
    """Add to `documents` (per submission id) what the register of facilities provides for the
    items it feeds: its listing meets their `data` requirements and each certificate it holds
    on the reference date their `sertifikat` ones. `rows` are (submission id, item id, period
    id, agency id or None). No query when no row asks for such a document; else a fixed number
    per period, whatever the number of rows (none for a row whose value is `known`)."""
    rows = [
        row
        for row in rows
        if any(r.doc_type in REGISTER_DOC_TYPES for r in requirements.get(row[1], []))
    ]
    if not rows:
        return documents
    from facilities.selectors import register_documents

    found = register_documents(rows, requirements, periods, known)
    for pk, requirement_id, dated, valid_until in found:
        documents.setdefault(pk, []).append(
            Document(requirement_id, dated, valid_until, from_register=True)
        )
    return documents


def readiness_of_rows(rows, references: dict[int, datetime.date]) -> dict[int, Readiness]:
    """Per submission id, its readiness; `rows` are (submission id, item id, period id), in two
    queries whatever their number (and the register's, `with_register`)."""
    rows = list(rows)
    requirements = requirements_by_item(row[1] for row in rows)
    documents = documents_by_submission(row[0] for row in rows)
    with_register(documents, [(*row[:3], None) for row in rows], requirements)
    return {
        pk: evaluate(requirements.get(item_id, []), documents.get(pk, []), references[period_id])
        for pk, item_id, period_id in rows
    }


def readiness_of(submissions: Iterable[Submission]) -> dict[int, Readiness]:
    """Per submission id, the readiness of saved submissions whose period is loaded."""
    submissions = [s for s in submissions if s.pk]
    references = {s.period_id: s.period.reference_on for s in submissions}
    return readiness_of_rows(((s.pk, s.item_id, s.period_id) for s in submissions), references)


def submission_readiness(submission: Submission) -> Readiness:
    """The readiness of one saved submission, in two queries."""
    return readiness_of([submission])[submission.pk]


def ready_ids(periods: Iterable[Period], statuses) -> set[int]:
    """The ids of the periods' submissions in `statuses` that are ready, in three queries."""
    references = {p.pk: p.reference_on for p in periods}
    rows = Submission.objects.filter(
        period_id__in=list(references), status__in=statuses
    ).values_list("pk", "item_id", "period_id")
    return {pk for pk, readiness in readiness_of_rows(rows, references).items() if readiness.ready}

"""Evidence as the document an item asks for: which requirement a file meets, its number and dates.

An upload goes through `evidence.evidence_add` (the content checks, the editable check), then
carries the document's details; a file uploaded without them stays a valid upload that meets
no requirement until `document_describe` completes it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import EvidenceRequirement
from indicators.models import Evidence, Submission
from indicators.services import evidence as evidence_service
from indicators.services import workflow


class DocumentRejected(workflow.WorkflowError):
    """The document's details do not fit; the message says what to correct."""


def document_check(
    *,
    submission: Submission,
    requirement: EvidenceRequirement | None,
    document_date: datetime.date | None,
    valid_until: datetime.date | None,
) -> None:
    """Refuse details that cannot be right: a requirement of another item, dates out of order."""
    if requirement is None:
        if document_date or valid_until:
            raise DocumentRejected(
                _("Pilih dokumen yang dipenuhi berkas ini sebelum mengisi tanggalnya.")
            )
        return
    if requirement.item_id != submission.item_id:
        raise DocumentRejected(
            _("Dokumen '%(code)s' bukan dokumen yang diminta butir ini.")
            % {"code": requirement.code}
        )
    if document_date is None:
        raise DocumentRejected(
            _("Isi tanggal dokumen (tanggal penetapan atau penandatanganan, mis. 2026-03-31).")
        )
    if document_date > timezone.localdate():
        raise DocumentRejected(_("Tanggal dokumen tidak boleh setelah hari ini."))
    if valid_until is not None and valid_until < document_date:
        raise DocumentRejected(_("Tanggal berlaku sampai tidak boleh sebelum tanggal dokumen."))


@transaction.atomic
def document_add(
    *,
    submission: Submission,
    upload,
    actor,
    requirement: EvidenceRequirement | None,
    document_date: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    number: str = "",
    title: str = "",
    answering: bool = False,
) -> Evidence:
    """Attach a content-checked file to an editable submission as the document it is (or, when
    `answering` a verifier's finding, to a submission in any status: evidence_add_answer)."""
    document_check(
        submission=submission,
        requirement=requirement,
        document_date=document_date,
        valid_until=valid_until,
    )
    attach = evidence_service.evidence_add_answer if answering else evidence_service.evidence_add
    evidence = attach(submission=submission, upload=upload, actor=actor, title=title)
    if requirement is not None or number.strip():
        _describe(evidence, requirement, document_date, valid_until, number)
    return evidence


@transaction.atomic
def document_describe(
    *,
    evidence: Evidence,
    actor,
    requirement: EvidenceRequirement | None,
    document_date: datetime.date | None,
    valid_until: datetime.date | None = None,
    number: str = "",
) -> Evidence:
    """Complete (or correct) which document a file of an editable submission is, and its dates."""
    submission = evidence_service.locked_for_files(evidence.submission_id)
    document_check(
        submission=submission,
        requirement=requirement,
        document_date=document_date,
        valid_until=valid_until,
    )
    _describe(evidence, requirement, document_date, valid_until, number)
    return evidence


def _describe(evidence, requirement, document_date, valid_until, number) -> None:
    evidence.requirement = requirement
    evidence.document_date = document_date
    evidence.valid_until = valid_until
    evidence.document_number = number.strip()[:120]
    evidence.save(update_fields=["requirement", "document_date", "valid_until", "document_number"])

"""Evidence files: attach a checked upload within the quotas, and remove one.

What a file may be is `indicators.uploads`; who may change a submission's files now is
`workflow.edit_refusal`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from indicators.models import Agency, Evidence, Submission
from indicators.services import workflow
from indicators.uploads import EvidenceRejected, evidence_clean_name, evidence_inspect, sha256


def _locked(submission_id: int) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=submission_id)
    )


def locked_for_files(submission_id: int) -> Submission:
    """The submission, its row locked, when its files may change now (draft or returned)."""
    submission = _locked(submission_id)
    if refusal := workflow.edit_refusal(submission):
        raise workflow.WorkflowError(refusal)
    return submission


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _within_quota(submission: Submission, size: int) -> None:
    """Refuse a file past the per-submission count or the agency's bytes for the period.

    Called with the submission's row locked; the agency's row is locked too, so two uploads to
    different items of one agency cannot both pass a sum that each read before the other wrote.
    """
    Agency.objects.select_for_update().filter(pk=submission.agency_id).first()
    files = Evidence.objects.filter(submission=submission).count()
    if files >= settings.EVIDENCE_MAX_FILES_PER_SUBMISSION:
        raise EvidenceRejected(
            _(
                "Isian ini sudah memiliki %(n)d berkas; batasnya %(limit)d berkas per isian. "
                "Hapus berkas yang tidak diperlukan atau gabungkan beberapa berkas menjadi "
                "satu PDF, lalu unggah lagi."
            )
            % {"n": files, "limit": settings.EVIDENCE_MAX_FILES_PER_SUBMISSION}
        )
    used = (
        Evidence.objects.filter(
            submission__agency_id=submission.agency_id, submission__period_id=submission.period_id
        ).aggregate(total=Sum("size"))["total"]
        or 0
    )
    limit = settings.EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD
    if used + size > limit:
        raise EvidenceRejected(
            _(
                "Kuota data dukung OPD ini untuk periode %(year)s (%(limit)s MB) tidak cukup: "
                "sudah terpakai %(used)s MB, berkas ini %(size)s MB. Perkecil berkas (kompres "
                "PDF atau foto) atau hapus berkas lama yang tidak diperlukan; bila kuota memang "
                "kurang, hubungi admin DP3AKB."
            )
            % {
                "year": submission.period.year,
                "limit": _mb(limit),
                "used": _mb(used),
                "size": _mb(size),
            }
        )


@transaction.atomic
def evidence_add(*, submission: Submission, upload, actor, title: str = "") -> Evidence:
    """Check an uploaded file by content and quota and attach it to an editable submission."""
    found = evidence_inspect(upload)
    current = locked_for_files(submission.pk)
    return _attach(current, upload, found, actor, title)


@transaction.atomic
def evidence_add_answer(*, submission: Submission, upload, actor, title: str = "") -> Evidence:
    """Attach a file that answers a verifier's finding: the same content checks and quotas, to a
    submission in any status (the ministry asks for files after DP3AKB approved), never to a
    locked period. A file on an approved answer may change the ready score: the data version
    (`kla_portal.versions`) moves with the write, as for every upload."""
    found = evidence_inspect(upload)
    current = _locked(submission.pk)
    if current.period.locked:
        raise workflow.WorkflowError(_("Periode sudah dikunci; berkas tidak dapat ditambahkan."))
    return _attach(current, upload, found, actor, title)


def _attach(current: Submission, upload, found, actor, title: str) -> Evidence:
    _within_quota(current, upload.size)
    evidence = Evidence(
        submission=current,
        original_name=evidence_clean_name(getattr(upload, "name", ""), found.extension),
        title=title.strip()[:255],
        kind=found.kind,
        content_type=found.content_type,
        size=upload.size,
        sha256=sha256(upload),
        uploaded_by=actor,
    )
    # The storage name is random (models.evidence_path); only the checked extension is kept.
    evidence.file.save(f"upload.{found.extension}", File(upload), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    """Remove a file from an editable submission (never from a submitted or approved one, nor
    one that answers a verifier's finding still open or answered: DP3AKB is judging it)."""
    from verification.models import Finding  # verification builds on indicators

    locked_for_files(evidence.submission_id)
    if evidence.finding_responses.filter(finding__status__in=Finding.ACTIVE).exists():
        raise workflow.WorkflowError(
            _(
                "Berkas ini menjawab catatan verifikator yang belum selesai, jadi tidak dapat "
                "dihapus. Unggah berkas pengganti melalui catatan itu bila perlu diperbaiki."
            )
        )
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    # Delete the body only once the row is gone for good, so a rollback never loses a file.
    transaction.on_commit(lambda: storage.delete(stored))

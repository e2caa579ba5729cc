"""The submission workflow: draft -> submitted -> approved, or submitted -> returned -> ...

Every change goes through these services. Each locks the submission's row, checks the version
the actor saw (so a second person acting on the same submission gets a conflict instead of a
silent overwrite), checks the transition and the period, writes a ReviewEvent, and bumps the
version. Notifications go out after commit through `on_commit` hooks, so a failed email never
loses a review.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Item
from indicators.models import Agency, Period, ReviewEvent, Submission, evidence_storage
from indicators.selectors.flags import submission_flags
from indicators.selectors.readiness import submission_readiness

logger = logging.getLogger("kla.review")

S = Submission.Status


class WorkflowError(Exception):
    """A change that is not allowed now; the message is shown to the user as it is."""


class Conflict(WorkflowError):
    """Someone else changed the submission since the actor loaded it."""

    def __init__(self, message=None):
        # Translated when raised, not at import, so it reads in the language of the request.
        super().__init__(message or _("Isian ini sudah diubah orang lain. Muat ulang halaman."))


TRANSITIONS = {
    ReviewEvent.Action.SUBMITTED: ((S.DRAFT, S.RETURNED), S.SUBMITTED),
    ReviewEvent.Action.APPROVED: ((S.SUBMITTED,), S.APPROVED),
    ReviewEvent.Action.RETURNED: ((S.SUBMITTED,), S.RETURNED),
    ReviewEvent.Action.REOPENED: ((S.APPROVED,), S.RETURNED),
    # The agency takes back what it submitted, before a verifier has decided: a draft again.
    ReviewEvent.Action.WITHDRAWN: ((S.SUBMITTED,), S.DRAFT),
}
NOTE_REQUIRED = {ReviewEvent.Action.RETURNED, ReviewEvent.Action.REOPENED}
# A review note is read by the operator and mailed to them; as long as a narrative may be.
NOTE_MAX_LENGTH = 5000
REVIEWS = {ReviewEvent.Action.APPROVED, ReviewEvent.Action.RETURNED, ReviewEvent.Action.REOPENED}

# Called after commit with the ReviewEvent of every review (approve, return, reopen).
review_listeners: list[Callable[[ReviewEvent], None]] = []


def _locked(submission_id: int, version: int | None) -> Submission:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("period", "item", "agency")
        .get(pk=submission_id)
    )
    if version is not None and submission.version != version:
        raise Conflict()
    return submission


def review_refusal(submission: Submission, actor) -> str | None:
    """Why the actor may not review this submission (separation of duties), or None.

    Nobody reviews another region's answers: a reviewer acts for the regions of the agencies
    they belong to (`roles.user_regions`), whatever else they may read (a province verifier's
    province); superusers act everywhere. Nobody reviews what they submitted or what an agency
    they belong to answered: approving, returning or reopening is for a reviewer outside the
    agency. Superusers included.
    """
    actor_id = getattr(actor, "pk", None)
    if actor_id is None:
        return None
    # One query for the three facts: the change page asks this on every view.
    members = Agency.members.through.objects.filter(user_id=actor_id)
    acts, member, submitted_by = (
        Agency.objects.filter(pk=submission.agency_id)
        .annotate(
            acts=Exists(members.filter(agency__region_id=OuterRef("region_id"))),
            member=Exists(members.filter(agency_id=OuterRef("pk"))),
            submitted_by=Subquery(
                ReviewEvent.objects.filter(
                    submission_id=submission.pk, action=ReviewEvent.Action.SUBMITTED
                )
                .order_by("-created_at", "-pk")
                .values("actor_id")[:1]
            ),
        )
        .values_list("acts", "member", "submitted_by")
        .get()
    )
    if not acts and not actor.is_superuser:
        return _(
            "Isian ini dari wilayah lain: Anda hanya dapat meninjau isian wilayah tempat Anda "
            "bertugas."
        )
    if member:
        return _(
            "Anda anggota %(agency)s, jadi tidak dapat meninjau isian OPD Anda sendiri. "
            "Minta verifikator lain yang bukan anggota OPD ini untuk meninjaunya."
        ) % {"agency": submission.agency}
    if submitted_by == actor_id:
        return _(
            "Anda yang mengajukan isian ini, jadi tidak dapat meninjaunya sendiri. "
            "Minta verifikator lain untuk meninjaunya."
        )
    return None


def period_refusal(period: Period, *, entry: bool) -> str | None:
    """Why the period takes no change now (locked; for entry also: outside its window), or None."""
    if period.locked:
        return _("Periode %(year)s terkunci: tidak ada perubahan yang diterima.") % {
            "year": period.year
        }
    if entry and not period.is_open_for_entry():
        return _("Masa pengisian periode %(year)s sudah ditutup (%(date)s).") % {
            "year": period.year,
            "date": f"{period.closes_on:%d-%m-%Y}",
        }
    return None


def _check_period(period: Period, *, entry: bool) -> None:
    if refusal := period_refusal(period, entry=entry):
        raise WorkflowError(refusal)


def edit_refusal(submission: Submission) -> str | None:
    """Why the operator cannot change this answer or its files now, or None: the one rule.

    The item page, the upload and removal of files, and saving all ask this.
    """
    if refusal := period_refusal(submission.period, entry=True):
        return refusal
    if submission.status == S.APPROVED:
        return _("Isian sudah disetujui verifikator dan tidak dapat diubah.")
    if submission.status == S.SUBMITTED:
        return _("Isian sedang diverifikasi dan tidak dapat diubah sampai verifikator memutuskan.")
    return None


def can_edit(submission: Submission) -> bool:
    """Whether the operator may change the answer and files now (draft or returned, open)."""
    return edit_refusal(submission) is None


APPROVE, RETURN, REOPEN = "approve", "return", "reopen"


def available_actions(
    submission: Submission, user
) -> tuple[list[tuple[str, str, bool]], str | None]:
    """The review actions the user may take now, as (action, label, needs a note), or none and
    why: the period, the status and the separation of duties, said before anyone clicks."""
    if submission.period.locked:
        return [], None
    if submission.status == S.SUBMITTED:
        actions = [
            (APPROVE, _("Setujui"), False),
            (RETURN, _("Kembalikan dengan catatan"), True),
        ]
    elif submission.status == S.APPROVED:
        actions = [(REOPEN, _("Buka kembali dengan catatan"), True)]
    else:
        return [], None
    refusal = review_refusal(submission, user)
    return ([], refusal) if refusal else (actions, None)


def evidence_missing(item: Item, *, has_evidence: bool) -> bool:
    """The evidence rule of submitting, and so of approving: an item that asks for it has some.

    Imports that set `approved` obey it too (`indicators.importing`).
    """
    return item.evidence_required and not has_evidence


def _has_evidence(submission: Submission) -> bool:
    """A file, or an answer taken from the register of facilities with places behind it (the
    register's listing is the item's data evidence)."""
    if submission.evidence.exists():
        return True
    from facilities.models import RegisterTake

    return RegisterTake.objects.filter(submission=submission, places__gt=0).exists()


@transaction.atomic
def submission_save(
    *, submission: Submission, values: dict, actor, version: int | None
) -> Submission:
    """Save an operator's answer and narrative on an editable submission (a draft if new)."""
    _check_period(submission.period, entry=True)
    if submission.pk is None:
        try:
            with transaction.atomic():
                submission.updated_by = actor
                for name, value in values.items():
                    setattr(submission, name, value)
                submission.save()
                return submission
        except IntegrityError as exc:  # the unique constraint: another tab created it first
            raise Conflict() from exc
    current = _locked(submission.pk, version)
    if refusal := edit_refusal(current):
        raise WorkflowError(refusal)
    for name, value in values.items():
        setattr(current, name, value)
    current.version += 1
    current.updated_by = actor
    current.save()
    return current


def _check_note(action: str, note: str) -> None:
    """A review note: there when the action needs one, storable, and not too long to read."""
    if action in NOTE_REQUIRED and not note.strip():
        raise WorkflowError(_("Catatan wajib diisi agar OPD tahu apa yang harus diperbaiki."))
    if "\x00" in note:
        # PostgreSQL refuses NUL in text; the admin's review buttons post the note unvalidated.
        raise WorkflowError(_("Catatan berisi karakter NUL yang tidak diizinkan."))
    if len(note.strip()) > NOTE_MAX_LENGTH:
        raise WorkflowError(
            _("Catatan terlalu panjang (%(n)d karakter); paling banyak %(max)d karakter.")
            % {"n": len(note.strip()), "max": NOTE_MAX_LENGTH}
        )


def _transition(
    submission_id: int, action: str, *, actor, version: int | None, note: str = "", entry: bool
) -> Submission:
    sources, target = TRANSITIONS[action]
    _check_note(action, note)
    submission = _locked(submission_id, version)
    _check_period(submission.period, entry=entry)
    if action in REVIEWS and (refusal := review_refusal(submission, actor)):
        raise WorkflowError(refusal)
    if submission.status not in sources:
        raise WorkflowError(
            _("Isian berstatus %(status)s tidak dapat %(action)s.")
            % {
                "status": submission.get_status_display(),
                "action": ReviewEvent.Action(action).label.lower(),
            }
        )
    event = ReviewEvent.objects.create(
        submission=submission,
        action=action,
        from_status=submission.status,
        to_status=target,
        actor=actor,
        note=note.strip(),
    )
    submission.status = target
    submission.version += 1
    submission.updated_by = actor
    if target == S.SUBMITTED:
        submission.submitted_at = timezone.now()
    submission.save()
    logger.info(
        "review %s submission=%s %s->%s by %s",
        action,
        submission.pk,
        event.from_status,
        target,
        getattr(actor, "username", None),
        extra={
            "event": "review",
            "action": action,
            "submission": submission.pk,
            "period": submission.period_id,
            "agency": submission.agency.code,
            "item": submission.item.code,
            "from_status": event.from_status,
            "to_status": target,
            "actor": getattr(actor, "username", None),
        },
    )
    if action not in (ReviewEvent.Action.SUBMITTED, ReviewEvent.Action.WITHDRAWN):
        transaction.on_commit(lambda: _notify(event))
    return submission


def _notify(event: ReviewEvent) -> None:
    for listener in review_listeners:
        listener(event)


@transaction.atomic
def submission_submit(*, submission: Submission, actor, version: int | None) -> Submission:
    """Submit an operator's draft or corrected return for review; required evidence first."""
    current = _locked(submission.pk, version)
    if not current.has_value:
        raise WorkflowError(_("Isi nilai terlebih dahulu sebelum mengajukan."))
    if evidence_missing(current.item, has_evidence=_has_evidence(current)):
        raise WorkflowError(_("Butir ini wajib dilengkapi data dukung sebelum diajukan."))
    _check_flags_explained(current)
    return _transition(
        current.pk, ReviewEvent.Action.SUBMITTED, actor=actor, version=None, entry=True
    )


def _check_flags_explained(submission: Submission) -> None:
    # Signs of copied or doubtful data do not block, but the agency must say why (flag_note).
    flags = submission_flags(submission)
    if flags and not submission.flag_note.strip():
        raise WorkflowError(
            _("Tulis penjelasan atas tanda data berikut sebelum mengajukan: %(flags)s")
            % {"flags": " ".join(flag.message for flag in flags)}
        )


def withdraw_refusal(submission: Submission) -> str | None:
    """Why the agency may not take back its submission now, or None (submitted, period open)."""
    if refusal := period_refusal(submission.period, entry=True):
        return refusal
    if submission.status != S.SUBMITTED:
        return _("Hanya isian yang sedang menunggu verifikasi yang dapat ditarik kembali.")
    return None


@transaction.atomic
def submission_withdraw(*, submission_id: int, actor, version: int | None) -> Submission:
    """Take a submitted answer back to draft before review, recorded as a ReviewEvent.

    Under the row lock and the version the operator saw: a verifier who decided in the
    meantime wins, and the operator is told instead of undoing the decision.
    """
    current = _locked(submission_id, version)
    if refusal := withdraw_refusal(current):
        raise WorkflowError(refusal)
    return _transition(
        current.pk, ReviewEvent.Action.WITHDRAWN, actor=actor, version=None, entry=True
    )


@transaction.atomic
def submission_approve(
    *, submission_id: int, actor, version: int | None = None, note: str = ""
) -> Submission:
    """Approve a submitted answer: from now on it counts in the verified forecast.

    A submission whose required documents are not all there, recent and in force is approved
    only with a reason (the event's note) and is marked "approved with gaps": it counts as
    verified but not as ready.
    """
    gaps = _gaps(submission_id, version, actor)
    if gaps and not note.strip():
        raise WorkflowError(
            _(
                "Dokumen isian ini belum lengkap (%(gaps)s). Tulis alasan bila tetap disetujui, "
                "atau kembalikan ke OPD."
            )
            % {"gaps": "; ".join(gaps)}
        )
    submission = _transition(
        submission_id,
        ReviewEvent.Action.APPROVED,
        actor=actor,
        version=version,
        note=note,
        entry=False,
    )
    Submission.objects.filter(pk=submission.pk).update(approved_with_gaps=bool(gaps))
    submission.approved_with_gaps = bool(gaps)
    if gaps:
        latest = submission.events.filter(action=ReviewEvent.Action.APPROVED)
        latest = latest.order_by("-created_at", "-id").values("pk")[:1]
        ReviewEvent.objects.filter(pk__in=latest).update(with_gaps=True)
    return submission


def _gaps(submission_id: int, version: int | None, actor) -> list[str]:
    # Judged under the row lock the transition keeps: files cannot change while it is held.
    # Only a submission this actor may approve now is judged, so a stale version, a locked
    # period or a reviewer of their own agency is refused for that reason first.
    current = _locked(submission_id, version)
    _check_period(current.period, entry=False)
    if refusal := review_refusal(current, actor):
        raise WorkflowError(refusal)
    if current.status != S.SUBMITTED:
        return []
    return submission_readiness(current).gaps


@transaction.atomic
def submission_return(
    *, submission_id: int, actor, note: str, version: int | None = None
) -> Submission:
    """Return a submitted answer to its agency with a note saying what to fix."""
    return _transition(
        submission_id,
        ReviewEvent.Action.RETURNED,
        actor=actor,
        version=version,
        note=note,
        entry=False,
    )


@transaction.atomic
def submission_reopen(
    *, submission_id: int, actor, note: str, version: int | None = None
) -> Submission:
    """Take back an approval: the submission returns to its agency with a note."""
    return _transition(
        submission_id,
        ReviewEvent.Action.REOPENED,
        actor=actor,
        version=version,
        note=note,
        entry=False,
    )


@transaction.atomic
def submission_delete(*, submission_id: int, actor) -> list[str]:
    """Delete a submission with its evidence rows, then its files once the delete is committed.

    This is the only place evidence files leave storage: no signal removes them, so a rolled
    back delete, a cascade or a bulk delete elsewhere never loses a file that a row still needs.
    Returns the storage names that will be removed.
    """
    submission = _locked(submission_id, None)
    _check_period(submission.period, entry=False)
    names = [name for name in submission.evidence.values_list("file", flat=True) if name]
    submission._history_user = actor  # simple_history records who deleted it
    submission.delete()

    def remove_files():
        storage = evidence_storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return names

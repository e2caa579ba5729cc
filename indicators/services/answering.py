"""The item page's one write: save the answer, attach the chosen file, and submit if asked."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import Submission
from indicators.services import documents, workflow


@transaction.atomic
def submission_answer(
    *,
    submission: Submission,
    values: dict,
    upload=None,
    title: str = "",
    document: dict | None = None,
    submit: bool = False,
    actor,
    version: int | None,
) -> Submission:
    """Save an operator's answer (a draft if new), attach a document, and submit: all or nothing.

    A refused upload or submit keeps nothing, so the page can show the reason beside what the
    operator typed.
    """
    saved = workflow.submission_save(
        submission=submission, values=values, actor=actor, version=version
    )
    if upload:
        # The requirement it meets and its number and dates (`forms_documents.document_details`).
        details = {"requirement": None, **(document or {})}
        documents.document_add(submission=saved, upload=upload, actor=actor, title=title, **details)
    if submit:
        saved = workflow.submission_submit(submission=saved, actor=actor, version=saved.version)
    return saved


@transaction.atomic
def submission_take_register(
    *, submission: Submission, actor, version: int | None, seen: str
) -> Submission:
    """Take the register's value on the reference date as the answer, through the same save
    (version-checked) as a typed answer, and remember what it was computed from.

    `seen` is the fingerprint of the value the operator was shown: a register changed since
    then is a conflict, so nobody takes a number they did not see.
    """
    from facilities import selectors as register
    from facilities.services import register_take_record

    measured = register.submission_register(submission)
    if measured is None:
        raise workflow.WorkflowError(_("Butir ini tidak diisi dari register fasilitas."))
    if measured.fingerprint != seen:
        raise workflow.Conflict(
            _(
                "Register fasilitas berubah sejak halaman ini dibuka. "
                "Muat ulang untuk melihat nilai terbarunya."
            )
        )
    if measured.answer is None:
        raise workflow.WorkflowError(
            _(
                "Register belum punya nilai untuk butir ini (penyebutnya nol): "
                "belum ada yang bisa diambil."
            )
        )
    values = dict(measured.answer)
    if not (submission.narrative or "").strip():
        values["narrative"] = _("Diambil dari register fasilitas: %(value)s.") % {
            "value": register.sentence(measured)
        }
    saved = workflow.submission_save(
        submission=submission, values=values, actor=actor, version=version
    )
    register_take_record(submission=saved, measured=measured, actor=actor)
    return saved

"""The item page's one write: save the answer, attach the chosen file, and submit if asked."""

from __future__ import annotations

from django.db import transaction

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

"""The item page's one write: save the answer, attach the chosen file, and submit if asked."""

from __future__ import annotations

from django.db import transaction

from indicators.models import Submission
from indicators.services import evidence, workflow


@transaction.atomic
def submission_answer(
    *,
    submission: Submission,
    values: dict,
    upload=None,
    title: str = "",
    submit: bool = False,
    actor,
    version: int | None,
) -> Submission:
    """Save an operator's answer (a draft if new), attach a file, and submit: all or nothing.

    A refused upload or submit keeps nothing, so the page can show the reason beside what the
    operator typed.
    """
    saved = workflow.submission_save(
        submission=submission, values=values, actor=actor, version=version
    )
    if upload:
        evidence.evidence_add(submission=saved, upload=upload, actor=actor, title=title)
    if submit:
        saved = workflow.submission_submit(submission=saved, actor=actor, version=saved.version)
    return saved

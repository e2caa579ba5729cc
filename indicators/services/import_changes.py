"""What an import changes: rows sorted against stored submissions, the verified score before
and after, and the write with its events (shared by `import_values` and the admin import).

`indicators.services.importing` reads and checks the file and calls these inside its transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clusters import scoring
from clusters.models import Item
from indicators.models import Agency, Evidence, Period, ReviewEvent, Submission
from indicators.selectors.scores import BASES, VERIFIED, period_score, period_score_replacing
from indicators.services.notifications import EMAIL_LANGUAGE
from indicators.services.workflow import evidence_missing

ANSWER_FIELDS = ("answer_yes", "numerator", "denominator", "count", "narrative")


@dataclass
class CleanRow:
    """A checked row of an import file, ready to be compared with what is stored."""

    row: int
    agency: Agency
    item: Item
    answer_yes: bool | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    count: int | None = None
    narrative: str = ""
    status: str = ""  # what its submission becomes; set by `import_plan`

    @property
    def key(self):
        return (self.agency.pk, self.item.pk)

    @property
    def signed_key(self) -> str:
        return f"{self.agency.pk}:{self.item.pk}"

    def as_submission(self) -> Submission:
        """An unsaved submission holding the row's answer, to show it as stored ones are."""
        answers = {name: getattr(self, name) for name in ANSWER_FIELDS}
        return Submission(agency=self.agency, item=self.item, status=self.status, **answers)


# Called after commit with the period and the ReviewEvent of every submission an import wrote.
import_listeners: list[Callable[[Period, list[ReviewEvent]], None]] = []


@dataclass
class ImportPlan:
    """What an import would do: each clean row as new, changed or unchanged.

    `lacking_evidence` are the rows asked to be approved whose item needs evidence they lack;
    under the evidence rule they are `held` as submitted. `verified_before`/`verified_after`
    are the period's verified totals now and after the import.
    """

    period: Period
    status: str = Submission.Status.SUBMITTED
    new: list[CleanRow] = field(default_factory=list)
    changed: list[tuple[CleanRow, Submission]] = field(default_factory=list)
    unchanged: list[tuple[CleanRow, Submission]] = field(default_factory=list)
    lacking_evidence: list[CleanRow] = field(default_factory=list)
    verified_before: Decimal = Decimal(0)
    verified_after: Decimal = Decimal(0)

    @property
    def total(self):
        return len(self.new) + len(self.changed) + len(self.unchanged)

    @property
    def status_label(self) -> str:
        return Submission.Status(self.status).label

    @property
    def written(self) -> list[CleanRow]:
        return self.new + [row for row, _ in self.changed]

    @property
    def approved_changed(self) -> list[tuple[CleanRow, Submission]]:
        return [(row, s) for row, s in self.changed if s.status == Submission.Status.APPROVED]

    @property
    def held(self) -> list[CleanRow]:
        return [row for row in self.written if row.status != self.status]

    @property
    def verified_lost(self) -> Decimal:
        return self.verified_before - self.verified_after

    def versions(self) -> dict[str, list[int] | None]:
        """The [id, version] of every row's submission as this plan saw it (None: absent).

        Lists, as they come back from the signed JSON; the id tells a submission deleted and
        created again apart from the one the preview saw.
        """
        seen = {row.signed_key: None for row in self.new}
        seen.update((row.signed_key, [s.pk, s.version]) for row, s in self.changed + self.unchanged)
        return seen


def import_plan(
    clean: list[CleanRow],
    *,
    period: Period,
    status: str,
    evidence_rule: bool = True,
    lock: bool = False,
) -> ImportPlan:
    """Sort clean rows into new, changed and unchanged against what is stored.

    A row whose answer and note equal the stored ones is unchanged whatever the status: an
    import never moves an approval back, or a draft forward, without a new value. With `lock`
    the stored rows are locked until the transaction ends, as the workflow's services do.
    """
    stored = Submission.objects.filter(
        period=period, agency_id__in={r.agency.pk for r in clean}
    ).select_related("agency", "item")
    if lock:
        stored = stored.select_for_update(of=("self",)).order_by("pk")
    existing = {(s.agency_id, s.item_id): s for s in stored}
    plan = ImportPlan(period, status)
    for row in clean:
        current = existing.get(row.key)
        if current is not None and all(
            getattr(current, name) == getattr(row, name) for name in ANSWER_FIELDS
        ):
            plan.unchanged.append((row, current))
        elif current is None:
            plan.new.append(row)
        else:
            plan.changed.append((row, current))
    _set_statuses(plan, evidence_rule=evidence_rule)
    before = period_score(period, VERIFIED)
    after = period_score_replacing(
        period,
        VERIFIED,
        replaced={s.pk for _, s in plan.changed},
        added=[_answer(row) for row in plan.written if row.status in BASES[VERIFIED]],
    )
    plan.verified_before, plan.verified_after = before.total, after.total
    return plan


def _set_statuses(plan: ImportPlan, *, evidence_rule: bool) -> None:
    # The evidence rule of submitting (and so of approving): with it, a row asked to be
    # approved whose item needs evidence it lacks is imported as submitted, shown in the
    # preview, and approved in the review queue once its evidence is there. New rows have
    # no evidence yet.
    with_evidence = set()
    if plan.status == Submission.Status.APPROVED:
        with_evidence = set(
            Evidence.objects.filter(submission__in=[s.pk for _, s in plan.changed]).values_list(
                "submission_id", flat=True
            )
        )
    rows = [(row, False) for row in plan.new]
    rows += [(row, current.pk in with_evidence) for row, current in plan.changed]
    for row, has_evidence in rows:
        row.status = plan.status
        if plan.status == Submission.Status.APPROVED and evidence_missing(
            row.item, has_evidence=has_evidence
        ):
            plan.lacking_evidence.append(row)
            if evidence_rule:
                row.status = Submission.Status.SUBMITTED


def _answer(row: CleanRow) -> scoring.Answer:
    return scoring.Answer(row.item.code, row.answer_yes, row.numerator, row.denominator, row.count)


def import_notify(period: Period, events: list[ReviewEvent]) -> None:
    """Tell every listener (the agencies' emails) what a committed import wrote."""
    for listener in import_listeners:
        listener(period, events)


def import_write(plan: ImportPlan, *, actor) -> list[ReviewEvent]:
    """Write the plan's new and changed rows, each with an `imported` event; return the events."""
    now = timezone.now()
    events = _create(plan, actor=actor, now=now) + _update(plan, actor=actor, now=now)
    return ReviewEvent.objects.bulk_create(events, batch_size=1000)


def _create(plan: ImportPlan, *, actor, now) -> list[ReviewEvent]:
    created = [
        Submission(
            agency=row.agency,
            item=row.item,
            period=plan.period,
            status=row.status,
            updated_by=actor,
            submitted_at=now,
            **{name: getattr(row, name) for name in ANSWER_FIELDS},
        )
        for row in plan.new
    ]
    created = bulk_create_with_history(created, Submission, default_user=actor, batch_size=1000)
    if not all(s.pk for s in created):  # backends that do not return keys on bulk insert
        keys = {(s.agency_id, s.item_id) for s in created}
        created = [
            s
            for s in Submission.objects.filter(period=plan.period).select_related("agency", "item")
            if (s.agency_id, s.item_id) in keys
        ]
    return [
        ReviewEvent(
            submission=s,
            action=ReviewEvent.Action.IMPORTED,
            from_status=Submission.Status.DRAFT,
            to_status=s.status,
            actor=actor,
            created_at=now,
        )
        for s in created
    ]


def _update(plan: ImportPlan, *, actor, now) -> list[ReviewEvent]:
    events, changed = [], []
    for row, current in plan.changed:
        submission = copy.copy(current)  # the plan keeps what it saw, for the summary
        events.append(
            ReviewEvent(
                submission=submission,
                action=ReviewEvent.Action.IMPORTED,
                from_status=submission.status,
                to_status=row.status,
                actor=actor,
                created_at=now,
                note=_before_note(submission),
            )
        )
        for name in ANSWER_FIELDS:
            setattr(submission, name, getattr(row, name))
        submission.status = row.status
        submission.version += 1
        submission.updated_by = actor
        submission.updated_at = now
        submission.submitted_at = now
        changed.append(submission)
    if changed:
        bulk_update_with_history(
            changed,
            Submission,
            [*ANSWER_FIELDS, "status", "version", "updated_by", "updated_at", "submitted_at"],
            default_user=actor,
            batch_size=1000,
        )
    return events


def _before_note(submission: Submission) -> str:
    # Stored in Indonesian like the emails: the agency's item page shows what the import
    # replaced, in the history every reader of the submission sees.
    with translation.override(EMAIL_LANGUAGE):
        return _("Sebelum impor: %(answer)s (%(status)s).") % {
            "answer": submission.answer_display(),
            "status": submission.get_status_display(),
        }

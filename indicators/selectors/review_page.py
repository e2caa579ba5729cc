"""What the verifier's review page shows of one submission, in a fixed number of queries: the
question and its scoring rule, the answer beside last year's, the checklist with each file,
the signs, and the review and audit history."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from clusters.models import Item
from indicators.answers import format_answer, format_number
from indicators.models import Submission
from indicators.selectors import readiness_views, workspace
from indicators.selectors.review_queue import open_findings_of

PREVIEW_IMAGE = ("image/png", "image/jpeg", "image/gif", "image/webp")
PREVIEW_PDF = "application/pdf"
AUDIT_FIELDS = ("status", "answer_yes", "numerator", "denominator", "count", "narrative")
AUDIT_SHOWN = 30


@dataclass
class FileRow:
    """One file as the checklist shows it, and how the page previews it."""

    evidence: object
    preview: str  # "image", "pdf" or ""


@dataclass
class CheckRow:
    check: object
    files: list[FileRow]


@dataclass
class AuditRow:
    at: object
    user: object
    kind: str
    fields: list[str]


@dataclass
class ReviewPage:
    submission: Submission
    answer: str
    previous: Submission | None
    previous_answer: str
    change: str
    rule: str
    readiness: object
    checks: list[CheckRow]
    other_files: list[FileRow]
    flags: list
    findings: int
    events: list
    audit: list[AuditRow]


def _preview(evidence) -> str:
    if evidence.content_type in PREVIEW_IMAGE:
        return "image"
    if evidence.content_type == PREVIEW_PDF:
        return "pdf"
    return ""


def _comparable(submission: Submission | None) -> Decimal | None:
    if submission is None or not submission.has_value:
        return None
    if submission.item.kind == Item.Kind.PERCENT:
        return submission.percentage
    if submission.item.kind == Item.Kind.COUNT:
        return Decimal(submission.count)
    return None


def lower_is_better(item: Item) -> bool:
    """Whether a smaller value scores more (stunting, child marriage): worst above best."""
    return (
        item.rule == Item.Rule.LINEAR
        and item.worst is not None
        and item.best is not None
        and (item.worst > item.best)
    )


def rule_text(item: Item) -> str:
    """The item's scoring rule in words, with its direction."""
    if item.rule == Item.Rule.CHECK:
        return _("Ya mendapat nilai penuh, Tidak mendapat 0.")
    if item.rule == Item.Rule.LINEAR:
        text = _(
            "Linear: %(worst)s atau lebih buruk mendapat 0, %(best)s atau lebih baik mendapat "
            "nilai penuh."
        ) % {"worst": format_number(item.worst), "best": format_number(item.best)}
        direction = (
            _("Makin kecil makin baik.") if lower_is_better(item) else _("Makin besar makin baik.")
        )
        return f"{text} {direction}"
    bands = "; ".join(
        _("≥ %(value)s: %(share)s%%")
        % {"value": format_number(threshold), "share": format_number(fraction * 100)}
        for threshold, fraction in item.spec().bands
    )
    return _("Ambang bertingkat (bagian dari nilai penuh): %(bands)s. Makin besar makin baik.") % {
        "bands": bands
    }


def change_text(item: Item, now: Decimal | None, before: Decimal | None) -> str:
    """The change from last year in the item's unit, and whether it is for the better."""
    if now is None or before is None:
        return ""
    delta = now - before
    if item.kind == Item.Kind.PERCENT:
        amount = _("%(n)s poin persen") % {"n": format_number(abs(delta), 2)}
    else:
        amount = format_number(abs(delta))
    if delta == 0:
        return _("tidak berubah")
    sign = "+" if delta > 0 else "−"
    better = (delta < 0) if lower_is_better(item) else (delta > 0)
    verdict = _("membaik") if better else _("memburuk")
    return f"{sign}{amount} ({verdict})"


def _audit(submission: Submission) -> list[AuditRow]:
    records = list(
        submission.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : AUDIT_SHOWN + 1
        ]
    )
    rows = []
    for record, older in zip(records, [*records[1:], None], strict=False):
        if len(rows) == AUDIT_SHOWN:
            break
        fields = [
            str(Submission._meta.get_field(f).verbose_name)
            for f in AUDIT_FIELDS
            if older is not None and getattr(record, f) != getattr(older, f)
        ]
        rows.append(
            AuditRow(
                record.history_date, record.history_user, record.get_history_type_display(), fields
            )
        )
    return rows


def review_page(submission: Submission) -> ReviewPage:
    """The review page of a submission loaded with its agency, item (and indicator, cluster)
    and period: eight queries."""
    item, period = submission.item, submission.period
    page = workspace.item_page(submission.agency, period, item, submission)
    checklist = readiness_views.item_checklist(
        item, period, submission, page.evidence, page.previous
    )
    files = {e.pk: FileRow(e, _preview(e)) for e in page.evidence}
    checks = []
    shown = set()
    for check in checklist.readiness.checks:
        mine = [e for e in page.evidence if e.requirement_id == check.requirement.id]
        shown.update(e.pk for e in mine)
        checks.append(CheckRow(check, [files[e.pk] for e in mine]))
    previous = page.previous
    return ReviewPage(
        submission=submission,
        answer=format_answer(submission),
        previous=previous,
        previous_answer=format_answer(previous) if previous else "",
        change=change_text(item, _comparable(submission), _comparable(previous)),
        rule=rule_text(item),
        readiness=checklist.readiness,
        checks=checks,
        other_files=[row for pk, row in files.items() if pk not in shown],
        flags=checklist.flags,
        findings=open_findings_of([submission]).get(submission.pk, 0),
        events=page.events,
        audit=_audit(submission),
    )

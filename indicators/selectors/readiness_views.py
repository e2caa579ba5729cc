"""Readiness as each reader sees it: the `kla_readiness` document, the operator's checklist and
counters, and the dashboard's steps from self-assessed to verified to ready.

Each is fed in a fixed number of queries; the rule itself is `readiness.evaluate`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from clusters import scoring
from clusters.models import Item, Named
from clusters.selectors import framework_spec
from indicators.models import Period, Submission
from indicators.selectors import flags as flag_signs
from indicators.selectors import readiness as ready

S = Submission.Status
UNKNOWN = object()  # item_checklist: the register's value not computed by the caller
READY_FILTERS = ("ready", "not_ready")


def _answer(s: Submission) -> scoring.Answer:
    return scoring.Answer(s.item.code, s.answer_yes, s.numerator, s.denominator, s.count)


def readiness_document(period: Period) -> dict:
    """The `kla_readiness` JSON document: one row per submission that is not a draft."""
    submissions = list(
        Submission.objects.filter(period=period)
        .exclude(status=S.DRAFT)
        .select_related("item", "agency")
        .order_by(
            "item__indicator__cluster__order",
            "item__indicator__number",
            "item__order",
            "item__code",
            "agency__code",
        )
    )
    for s in submissions:
        s.period = period
    readiness = ready.readiness_of(submissions)
    flags = flag_signs.flags_of(submissions, readiness)
    items = [
        {
            "code": s.item.code,
            "agency": s.agency.code,
            "status": s.status,
            "ready": readiness[s.pk].ready,
            "missing": readiness[s.pk].missing,
            "too_old": readiness[s.pk].too_old,
            "expired": readiness[s.pk].expired,
            "flags": [flag.code for flag in flags[s.pk]],
        }
        for s in submissions
    ]
    spec = framework_spec(period.framework)
    claimed = scoring.score(spec, [_answer(s) for s in submissions])
    backed = scoring.score(spec, [_answer(s) for s in submissions if readiness[s.pk].ready])
    ready_count = sum(1 for row in items if row["ready"])
    return {
        "region": period.region.slug,
        "period": period.year,
        "reference_date": period.reference_on.isoformat(),
        "items": items,
        "summary": {
            "ready": ready_count,
            "not_ready": len(items) - ready_count,
            # What the self-assessment claims that documents do not yet back.
            "points_at_risk": float(claimed.total - backed.total),
        },
    }


# ---- the operator's pages --------------------------------------------------------------------


def workspace_readiness(workspace, only: str | None = None) -> dict[str, int]:
    """Mark each saved row of an operator's workspace with its readiness; count them; keep only
    the rows `only` asks for (`ready`, `not_ready`). Two queries."""
    rows = [
        row
        for cluster in workspace.clusters
        for indicator in cluster.rows
        for row in indicator.rows
    ]
    period = workspace.period
    # By agency and period rather than by ids: the same two queries run with no answer yet.
    requirements = ready.requirements_by_item(
        item__assignments__agency=workspace.agency,
        item__indicator__cluster__framework_id=period.framework_id,
    )
    documents = ready.documents_by_submission(
        submission__agency=workspace.agency, submission__period=period
    )
    ready.with_register(
        documents,
        [
            (row.submission.pk, row.item.pk, period.pk, workspace.agency.pk)
            for row in rows
            if row.submission is not None
        ],
        requirements,
        {period.pk: period},
    )
    readiness = {
        row.submission.pk: ready.evaluate(
            requirements.get(row.item.pk, []),
            documents.get(row.submission.pk, []),
            period.reference_on,
        )
        for row in rows
        if row.submission is not None
    }
    counts = {"ready": 0, "not_ready": 0}
    for row in rows:
        row.readiness = readiness.get(row.submission.pk) if row.submission else None
        if row.readiness is not None:
            counts["ready" if row.readiness.ready else "not_ready"] += 1
        else:
            counts["not_ready"] += 1
    if only in READY_FILTERS:
        want = only == "ready"
        for cluster in workspace.clusters:
            for indicator in cluster.rows:
                indicator.rows = [r for r in indicator.rows if _is_ready(r) == want]
            cluster.rows = [i for i in cluster.rows if i.rows]
        workspace.clusters = [c for c in workspace.clusters if c.rows]
    return counts


def _is_ready(row) -> bool:
    return row.readiness is not None and row.readiness.ready


@dataclass
class Checklist:
    """The item page's checklist: every document the item asks for, and the submission's signs."""

    readiness: ready.Readiness
    flags: list
    requirements: list


def item_checklist(
    item: Item,
    period: Period,
    submission: Submission,
    evidence: list,
    previous=None,
    register=UNKNOWN,
) -> Checklist:
    """The checklist of the item page from its already loaded files and last year's answer, in
    one query (one more for the signs of a saved submission, and the register's for an item
    it feeds)."""
    requirements = ready.requirements_by_item([item.pk]).get(item.pk, [])
    names = {r.id: r for r in requirements}
    for e in evidence:
        e.requirement_shown = names.get(e.requirement_id)  # the list shows what each file is
    documents = [ready.document_of(e) for e in evidence]
    key = submission.pk or 0  # an unsaved draft: the register speaks for it all the same
    # `register`: the item page's value from the register of facilities, already computed.
    known = None if register is UNKNOWN else {key: register}
    documents += ready.with_register(
        {key: []},
        [(key, item.pk, period.pk, submission.agency_id)],
        {item.pk: requirements},
        {period.pk: period},
        known,
    ).get(key, [])
    readiness = ready.evaluate(requirements, documents, period.reference_on)
    flags = []
    if submission.pk:
        flags = flag_signs.flags_of(
            [submission],
            {submission.pk: readiness},
            previous={submission.pk: previous},
            files=evidence,
        )[submission.pk]
    return Checklist(readiness, flags, requirements)


# ---- the dashboard ---------------------------------------------------------------------------


@dataclass
class LostItem(Named):
    """An item that scores less on a later step, and why."""

    code: str
    name: str
    self_fraction: Decimal
    verified_fraction: Decimal
    ready_fraction: Decimal
    reasons: list[str] = field(default_factory=list)
    name_en: str = ""


@dataclass
class Steps:
    """Self-assessed -> verified -> ready, with the points lost at each step and per item why."""

    self_total: Decimal
    verified_total: Decimal
    ready_total: Decimal
    items: list[LostItem]

    @property
    def lost_in_verification(self) -> Decimal:
        return self.self_total - self.verified_total

    @property
    def lost_for_documents(self) -> Decimal:
        return self.verified_total - self.ready_total


def ready_steps(period: Period, self_score, verified, ready_score, items) -> Steps:
    """The dashboard's three steps from the three scores; the reasons in three queries."""
    submissions = list(
        Submission.objects.filter(period=period)
        .exclude(status=S.DRAFT)
        .select_related("agency")
        .only("pk", "item_id", "period_id", "status", "approved_with_gaps", "agency__code")
    )
    approved = [s for s in submissions if s.status == S.APPROVED]
    for s in approved:
        s.period = period
    readiness = ready.readiness_of(approved)
    reasons = defaultdict(list)
    for s in submissions:
        agency = s.agency.code
        if s.status != S.APPROVED:
            reasons[s.item_id].append(_("%(agency)s: belum disetujui") % {"agency": agency})
            continue
        if s.approved_with_gaps:
            reasons[s.item_id].append(
                _("%(agency)s: disetujui dengan kekurangan") % {"agency": agency}
            )
        for gap in readiness[s.pk].gaps:
            reasons[s.item_id].append(f"{agency}: {gap}")
    fractions = [
        {i.code: i.fraction for i in score.items} for score in (self_score, verified, ready_score)
    ]
    lost = []
    for item in items:
        own, checked, backed = (f.get(item.code) or 0 for f in fractions)
        if own > backed:
            lost.append(
                LostItem(
                    item.code,
                    item.name,
                    scoring.round_half_up(own),
                    scoring.round_half_up(checked),
                    scoring.round_half_up(backed),
                    reasons.get(item.pk, []),
                    item.name_en,
                )
            )
    return Steps(self_score.total, verified.total, ready_score.total, lost)

"""Scores of a period on each basis, fed from the database in a constant number of queries."""

from collections import defaultdict
from collections.abc import Collection, Iterable
from decimal import Decimal
from fractions import Fraction

from clusters import scoring
from clusters.selectors import framework_spec
from indicators.models import Period, Submission
from indicators.selectors import readiness
from indicators.selectors.periods import NotFound

VERIFIED, SELF, READY = "verified", "self", "ready"
BASES = {
    VERIFIED: (Submission.Status.APPROVED,),
    SELF: (Submission.Status.SUBMITTED, Submission.Status.RETURNED, Submission.Status.APPROVED),
    # Approved and carrying every required document, dated right (selectors/readiness.py).
    READY: (Submission.Status.APPROVED,),
}


def counted_answers(
    period: Period,
    basis: str,
    *,
    excluding: Collection[int] = frozenset(),
    agencies: Collection[int] | None = None,
) -> list[scoring.Answer]:
    """The answers that count on a basis (`verified`, `self` or `ready`), in one query.

    `excluding` leaves out those submissions (by id), as a what-if of replacing them;
    `agencies` keeps only those agencies' answers (by id): what their own values earn.
    """
    return answers_by_period([period], basis, excluding=excluding, agencies=agencies)[period.pk]


def answers_by_period(
    periods,
    basis: str,
    *,
    excluding: Collection[int] = frozenset(),
    agencies: Collection[int] | None = None,
) -> dict[int, list[scoring.Answer]]:
    """Per period id, the answers that count on a basis, for any number of periods in one query."""
    if basis not in BASES:
        raise NotFound(f"Basis '{basis}' tidak dikenal: pilih 'verified', 'self' atau 'ready'.")
    answers = {period.pk: [] for period in periods}
    rows = Submission.objects.filter(period__in=list(answers), status__in=BASES[basis])
    if agencies is not None:
        rows = rows.filter(agency_id__in=list(agencies))
    if basis == READY:
        rows = rows.filter(pk__in=readiness.ready_ids(periods, BASES[READY]))
    rows = rows.order_by().values_list(
        "pk", "period_id", "item__code", "answer_yes", "numerator", "denominator", "count"
    )
    for pk, period_id, code, yes, num, den, cnt in rows:
        if pk not in excluding:
            answers[period_id].append(scoring.Answer(code, yes, num, den, cnt))
    return answers


def period_score(
    period: Period, basis: str, *, agencies: Collection[int] | None = None
) -> scoring.Score:
    """The period's score on one basis, in five queries whatever the amount of data.

    With `agencies`, the score of those agencies' answers alone (the API's agency view).
    """
    answers = counted_answers(period, basis, agencies=agencies)
    return scoring.score(framework_spec(period.framework), answers)


def period_score_replacing(
    period: Period, basis: str, *, replaced: Collection[int], added: Iterable[scoring.Answer]
) -> scoring.Score:
    """The score the period would have if the `replaced` submissions gave way to `added`."""
    answers = counted_answers(period, basis, excluding=replaced) + list(added)
    return scoring.score(framework_spec(period.framework), answers)


def score_document(period: Period, basis: str) -> dict:
    """The `kla_score` JSON document."""
    return {
        "region": period.region.slug,
        "period": period.year,
        "basis": basis,
        **period_score(period, basis).as_json(),
    }


def item_points(period: Period, basis: str) -> dict[str, Decimal]:
    """Per item code, the points it earns on a basis: its share of its indicator's points."""
    spec = framework_spec(period.framework)
    result = scoring.score(spec, counted_answers(period, basis))
    fractions = {item.code: item.fraction for item in result.items}
    weights = defaultdict(Fraction)
    for item in spec.items:
        weights[item.indicator] += Fraction(item.weight)
    max_points = {indicator.code: Fraction(indicator.max_points) for indicator in spec.indicators}
    return {
        item.code: scoring.round_half_up(
            max_points[item.indicator]
            * Fraction(item.weight)
            * fractions[item.code]
            / weights[item.indicator]
        )
        if weights[item.indicator]
        else Decimal("0.00")
        for item in spec.items
    }

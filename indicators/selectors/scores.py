"""Scores of a period on each basis, fed from the database in a constant number of queries."""

from clusters import scoring
from clusters.selectors import framework_spec
from indicators.models import Period, Submission
from indicators.selectors.periods import NotFound

VERIFIED, SELF = "verified", "self"
BASES = {
    VERIFIED: (Submission.Status.APPROVED,),
    SELF: (Submission.Status.SUBMITTED, Submission.Status.RETURNED, Submission.Status.APPROVED),
}


def counted_answers(period: Period, basis: str) -> list[scoring.Answer]:
    """The answers that count on a basis (`verified` or `self`), in one query."""
    if basis not in BASES:
        raise NotFound(f"Basis '{basis}' tidak dikenal: pilih 'verified' atau 'self'.")
    rows = Submission.objects.filter(period=period, status__in=BASES[basis]).values_list(
        "item__code", "answer_yes", "numerator", "denominator", "count"
    )
    return [scoring.Answer(code, yes, num, den, cnt) for code, yes, num, den, cnt in rows]


def period_score(period: Period, basis: str) -> scoring.Score:
    """The period's score on one basis, in five queries whatever the amount of data."""
    return scoring.score(framework_spec(period.framework), counted_answers(period, basis))


def score_document(period: Period, basis: str) -> dict:
    """The `kla_score` JSON document."""
    return {
        "region": period.region.slug,
        "period": period.year,
        "basis": basis,
        **period_score(period, basis).as_json(),
    }

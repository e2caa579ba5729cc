"""Reads of the year's data that several places share, with their joins already made."""

from collections.abc import Collection, Iterable

from django.utils import timezone

from clusters import scoring
from clusters.selectors import framework_spec
from indicators.models import Period, Region, Submission

VERIFIED, SELF = "verified", "self"
BASES = {
    VERIFIED: (Submission.Status.APPROVED,),
    SELF: (Submission.Status.SUBMITTED, Submission.Status.RETURNED, Submission.Status.APPROVED),
}


class NotFound(LookupError):
    """A region, period or basis named on the command line or in a URL does not exist."""


def region_by_slug(slug: str) -> Region:
    try:
        return Region.objects.get(slug=slug)
    except Region.DoesNotExist:
        known = ", ".join(Region.objects.order_by("slug").values_list("slug", flat=True)[:20])
        raise NotFound(
            f"Wilayah '{slug}' tidak dikenal. Wilayah yang ada: {known or '(belum ada)'}."
        ) from None


def period_for(region: Region, year: int) -> Period:
    try:
        return Period.objects.select_related("framework", "region").get(region=region, year=year)
    except Period.DoesNotExist:
        years = ", ".join(str(y) for y in region.periods.values_list("year", flat=True))
        raise NotFound(
            f"Periode {year} untuk {region.name} tidak ada. "
            f"Periode yang ada: {years or '(belum ada)'}."
        ) from None


def current_period(region: Region) -> Period | None:
    """The period people work on now: the newest unlocked one, else the newest."""
    periods = Period.objects.filter(region=region).select_related("framework", "region")
    return (
        periods.filter(locked=False).order_by("-year").first() or periods.order_by("-year").first()
    )


def counted_answers(
    period: Period, basis: str, *, excluding: Collection[int] = frozenset()
) -> list[scoring.Answer]:
    """The answers that count on a basis (`verified` or `self`), in one query.

    `excluding` leaves out those submissions (by id), as a what-if of replacing them.
    """
    if basis not in BASES:
        raise NotFound(f"Basis '{basis}' tidak dikenal: pilih 'verified' atau 'self'.")
    rows = Submission.objects.filter(period=period, status__in=BASES[basis]).values_list(
        "pk", "item__code", "answer_yes", "numerator", "denominator", "count"
    )
    return [
        scoring.Answer(code, yes, num, den, cnt)
        for pk, code, yes, num, den, cnt in rows
        if pk not in excluding
    ]


def period_score(period: Period, basis: str) -> scoring.Score:
    """The period's score on one basis, in five queries whatever the amount of data."""
    return scoring.score(framework_spec(period.framework), counted_answers(period, basis))


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


def today():
    return timezone.localdate()

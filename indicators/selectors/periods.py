"""Regions and periods by name or by what people work on now."""

from indicators.models import Period, Region


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
    """The period people work on now: the newest unlocked one, else the newest
    (`current_periods` is the same rule for many regions at once)."""
    periods = Period.objects.filter(region=region).select_related("framework", "region")
    return (
        periods.filter(locked=False).order_by("-year").first() or periods.order_by("-year").first()
    )


def current_periods(regions) -> dict[int, Period]:
    """Per region id, its current period (as `current_period`), for many regions in one query."""
    chosen: dict[int, Period] = {}
    periods = Period.objects.filter(region__in=regions).select_related("framework", "region")
    for period in periods.order_by("region_id", "-year"):
        best = chosen.get(period.region_id)
        if best is None or (best.locked and not period.locked):
            chosen[period.region_id] = period
    return chosen

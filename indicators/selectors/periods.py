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


def current_of(periods) -> Period | None:
    """The period people work on now, of one region's periods: the newest unlocked one, else
    the newest. The one rule of `current_period` and `current_periods`."""
    newest_first = sorted(periods, key=lambda p: p.year, reverse=True)
    fallback = newest_first[0] if newest_first else None
    return next((p for p in newest_first if not p.locked), fallback)


def current_period(region: Region) -> Period | None:
    """The region's current period (`current_of`), in one query."""
    return current_of(Period.objects.filter(region=region).select_related("framework", "region"))


def current_periods(regions) -> dict[int, Period]:
    """Per region id, its current period (`current_of`), for many regions in one query."""
    by_region: dict[int, list[Period]] = {}
    periods = Period.objects.filter(region__in=regions).select_related("framework", "region")
    for period in periods:
        by_region.setdefault(period.region_id, []).append(period)
    return {region_id: current_of(each) for region_id, each in by_region.items()}

"""Reads of the framework, shaped for the scoring core."""

from clusters import scoring
from clusters.models import (
    BandCondition,
    CategoryBand,
    Cluster,
    EvidenceRequirement,
    Framework,
    Indicator,
    Item,
)
from kla_portal import versions

# What an edition's plain values are read from: only writes to these recompute them.
FRAMEWORK_MODELS = (
    Framework,
    Cluster,
    Indicator,
    Item,
    CategoryBand,
    BandCondition,
    EvidenceRequirement,
)


def current_framework() -> Framework | None:
    """The newest edition: the one new periods use by default."""
    return Framework.objects.order_by("-year", "-id").first()


def framework_items(framework: Framework):
    """The edition's items with their indicator and cluster joined, in display order."""
    return (
        Item.objects.filter(indicator__cluster__framework=framework)
        .select_related("indicator__cluster")
        .order_by("indicator__cluster__order", "indicator__number", "order", "code")
    )


def framework_spec(framework: Framework) -> scoring.FrameworkSpec:
    """The edition as plain values for `scoring.score`: four queries, then from the shared
    cache until the next write to the framework's tables (`kla_portal.versions`)."""
    return versions.remember(
        "framework-spec:v2",  # v2: bands with their conditions
        (framework.pk,),
        lambda: _framework_spec(framework),
        *FRAMEWORK_MODELS,
    )


def _framework_spec(framework: Framework) -> scoring.FrameworkSpec:
    clusters = Cluster.objects.filter(framework=framework).order_by("order")
    indicators = (
        Indicator.objects.filter(cluster__framework=framework)
        .select_related("cluster")
        .order_by("cluster__order", "number")
    )
    # Bands and their conditions in one query (a LEFT JOIN: a band without any gives one row).
    bands = (
        CategoryBand.objects.filter(framework=framework)
        .order_by("order", "conditions__pk")
        .values_list(
            "name",
            "min_total",
            "conditions__kind",
            "conditions__item__code",
            "conditions__indicator__code",
            "conditions__min_percent",
        )
    )
    return scoring.FrameworkSpec(
        clusters=[scoring.ClusterSpec(c.code, c.name, c.max_points, c.name_en) for c in clusters],
        indicators=[
            scoring.IndicatorSpec(i.code, i.cluster.code, i.max_points, i.name, i.name_en)
            for i in indicators
        ],
        items=[item.spec() for item in framework_items(framework)],
        bands=_band_specs(bands),
    )


def _band_specs(rows) -> list[scoring.BandSpec]:
    thresholds, conditions = {}, {}
    for name, min_total, kind, item, indicator, percent in rows:
        thresholds[name] = min_total
        conditions.setdefault(name, [])
        if kind:  # a band without conditions comes once, with none (the LEFT JOIN)
            conditions[name].append(scoring.ConditionSpec.of(kind, item, indicator, percent))
    return [
        scoring.BandSpec(name, thresholds[name], tuple(conditions[name])) for name in thresholds
    ]

"""A category may need more than points: an item at full value, an indicator at least X %."""

from decimal import Decimal

import pytest

from clusters import gap_planner, scoring

ITEMS = [
    scoring.ItemSpec("A.1.a", "A.1", scoring.CHECK, scoring.CHECK),
    scoring.ItemSpec("A.1.b", "A.1", scoring.CHECK, scoring.CHECK),
    # 0 to 100: the value is the fraction in percent, so edges are exact.
    scoring.ItemSpec("A.2.a", "A.2", scoring.PERCENT, scoring.LINEAR, 1, Decimal(0), Decimal(100)),
]
INDICATORS = [scoring.IndicatorSpec("A.1", "A", 50), scoring.IndicatorSpec("A.2", "A", 50)]
ITEM_A1A = scoring.ConditionSpec(scoring.ITEM_FULL, "A.1.a")
A2_AT_80 = scoring.ConditionSpec(scoring.INDICATOR_SHARE, "A.2", Decimal(80))


def framework(top_conditions=(), low_conditions=()):
    return scoring.FrameworkSpec(
        clusters=[scoring.ClusterSpec("A", "A", 100)],
        indicators=INDICATORS,
        items=ITEMS,
        bands=[
            scoring.BandSpec("Low", Decimal(50), tuple(low_conditions)),
            scoring.BandSpec("Top", Decimal(90), tuple(top_conditions)),
        ],
    )


def answers(a=True, b=True, percent=100):
    return [
        scoring.Answer("A.1.a", yes=a),
        scoring.Answer("A.1.b", yes=b),
        scoring.Answer("A.2.a", numerator=Decimal(percent), denominator=Decimal(100)),
    ]


def test_without_conditions_nothing_changes():
    result = scoring.score(framework(), answers(percent=80))
    assert result.total == Decimal("90.00")
    assert result.category == scoring.Category("Top", None, None)
    assert result.conditions == []
    assert result.as_json()["conditions"] == []


@pytest.mark.parametrize(
    ("percent", "points", "met"),
    [
        ("80", "40.00", True),  # exactly 80 % of the indicator's 50 points
        ("79.99", "40.00", True),  # 39.995 rounds half up to 40.00: rounded points count
        ("79.98", "39.99", False),  # one cent below 80 %
        ("100", "50.00", True),
    ],
)
def test_indicator_share_at_its_edge(percent, points, met):
    fw = framework(top_conditions=[A2_AT_80])
    result = scoring.score(fw, answers(percent=Decimal(percent)))
    assert result.indicators[1].points == Decimal(points)
    assert result.conditions == [scoring.ConditionResult("Top", "A.2 ≥ 80%", met)]
    # The total (A.1's 50 plus A.2) is at or just below Top's 90 either way.
    assert result.category.name == ("Top" if met else "Low")


def test_indicator_share_one_cent_short_fails():
    fw = framework(top_conditions=[A2_AT_80])
    result = scoring.score(fw, answers(percent=Decimal("79.98")))  # 39.99 points
    assert result.indicators[1].points == Decimal("39.99")
    assert result.total == Decimal("89.99")
    assert result.conditions[0].met is False


def test_points_enough_but_condition_fails_keeps_the_lower_band():
    fw = framework(top_conditions=[ITEM_A1A])
    # A.1.a no, A.1.b yes: A.1 = 25, A.2 = 50 -> 75; raise A.2's share of A.1 to make 90+:
    fw = scoring.FrameworkSpec(
        clusters=fw.clusters,
        indicators=[scoring.IndicatorSpec("A.1", "A", 10), scoring.IndicatorSpec("A.2", "A", 90)],
        items=fw.items,
        bands=fw.bands,
    )
    result = scoring.score(fw, answers(a=False))
    assert result.total == Decimal("95.00")
    assert result.conditions == [scoring.ConditionResult("Top", "A.1.a", False)]
    assert result.category == scoring.Category("Low", "Top", Decimal(0), next_blocked=True)
    json = result.as_json()
    assert json["category"] == "Low"
    assert json["next_category"] == "Top"
    assert json["points_to_next"] == 0
    assert json["conditions"] == [{"band": "Top", "target": "A.1.a", "met": False}]


def test_item_at_full_value_versus_one_short():
    percent_item = scoring.ConditionSpec(scoring.ITEM_FULL, "A.2.a")
    fw = framework(top_conditions=[percent_item])
    full = scoring.score(fw, answers(percent=100))
    short = scoring.score(fw, answers(percent=Decimal("99.99")))
    assert full.conditions[0].met is True
    assert full.category.name == "Top"
    assert short.conditions[0].met is False
    # 50 x 0.9999 = 49.995 rounds to 50.00: the points look full, the item is not.
    assert short.total == Decimal("100.00")
    assert short.category.name == "Low"


def test_a_lower_band_failing_its_condition_gives_no_category_below_it():
    fw = framework(low_conditions=[ITEM_A1A], top_conditions=[ITEM_A1A])
    result = scoring.score(fw, answers(a=False, percent=60))
    assert result.total == Decimal("55.00")
    assert result.category.name is None
    assert result.category.next_name == "Low"
    assert result.category.next_blocked is True


def test_conditions_are_listed_in_band_order_with_their_targets():
    fw = framework(top_conditions=[ITEM_A1A, A2_AT_80], low_conditions=[ITEM_A1A])
    result = scoring.score(fw, answers())
    assert [(c.band, c.target) for c in result.conditions] == [
        ("Low", "A.1.a"),
        ("Top", "A.1.a"),
        ("Top", "A.2 ≥ 80%"),
    ]
    decimal_share = scoring.ConditionSpec(scoring.INDICATOR_SHARE, "A.2", Decimal("62.50"))
    assert decimal_share.target == "A.2 ≥ 62.50%"


def test_gap_planner_puts_the_needed_item_first():
    # A.1.b adds more points than A.1.a, but Top needs A.1.a at full value.
    fw = scoring.FrameworkSpec(
        clusters=[scoring.ClusterSpec("A", "A", 100)],
        indicators=INDICATORS,
        items=[
            scoring.ItemSpec("A.1.a", "A.1", scoring.CHECK, scoring.CHECK, weight=1),
            scoring.ItemSpec("A.1.b", "A.1", scoring.CHECK, scoring.CHECK, weight=3),
            ITEMS[2],
        ],
        bands=[
            scoring.BandSpec("Low", Decimal(50)),
            scoring.BandSpec("Top", Decimal("80"), (ITEM_A1A,)),
        ],
    )
    plan = gap_planner.plan(fw, answers(a=False, b=False, percent=100))
    assert [g.item for g in plan.ranking] == ["A.1.b", "A.1.a"]
    # By points alone A.1.b (+37.50 -> 87.50) would do; A.1.a is needed too.
    assert [g.item for g in plan.steps] == ["A.1.a", "A.1.b"]
    assert plan.reachable
    assert plan.total_after == Decimal("100.00")


def test_gap_planner_fills_a_needed_item_that_adds_no_points():
    fw = scoring.FrameworkSpec(
        clusters=[scoring.ClusterSpec("A", "A", 100)],
        indicators=[*INDICATORS, scoring.IndicatorSpec("A.3", "A", 0)],
        items=[*ITEMS, scoring.ItemSpec("A.3.a", "A.3", scoring.CHECK, scoring.CHECK)],
        bands=[
            scoring.BandSpec("Low", Decimal(50)),
            scoring.BandSpec(
                "Top", Decimal(90), (scoring.ConditionSpec(scoring.ITEM_FULL, "A.3.a"),)
            ),
        ],
    )
    plan = gap_planner.plan(fw, answers(b=False, percent=100))
    assert "A.3.a" not in [g.item for g in plan.ranking]  # worth 0 points
    assert [(g.item, g.points) for g in plan.steps] == [
        ("A.3.a", Decimal(0)),
        ("A.1.b", Decimal("25.00")),
    ]
    assert plan.reachable


def test_gap_planner_does_not_claim_a_band_whose_condition_cannot_be_met():
    # A.2.b's best band gives half its value: "at full value" can never hold, whatever is done,
    # though every item filled would be far above Top's 90 points.
    half = scoring.ItemSpec(
        "A.2.b", "A.2", scoring.COUNT, scoring.BANDS, bands=((Decimal(1), Decimal("0.5")),)
    )
    fw = scoring.FrameworkSpec(
        clusters=[scoring.ClusterSpec("A", "A", 100)],
        indicators=INDICATORS,
        items=[*ITEMS, half],
        bands=[
            scoring.BandSpec("Low", Decimal(50)),
            scoring.BandSpec(
                "Top", Decimal(80), (scoring.ConditionSpec(scoring.ITEM_FULL, "A.2.b"),)
            ),
        ],
    )
    plan = gap_planner.plan(fw, answers(b=False, percent=100))
    assert plan.total == Decimal("50.00")  # A.1 25 + A.2 (1 + 0) / 2 x 50
    assert plan.target == "Top"
    assert not plan.reachable
    assert plan.steps == []
    assert plan.unmet_conditions == ("A.2.b",)

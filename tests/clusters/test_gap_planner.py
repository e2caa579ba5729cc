"""The gap planner ranks items by verified points gained, and its shortest list really works."""

from decimal import Decimal
from fractions import Fraction

from clusters import gap_planner, scoring
from clusters.selectors import framework_spec
from indicators.models import Assignment
from indicators.selectors.scores import VERIFIED, counted_answers, period_score
from indicators.services.importing import values_import

ITEMS = [
    scoring.ItemSpec("A.1.a", "A.1", scoring.CHECK, scoring.CHECK, weight=3),
    scoring.ItemSpec("A.1.b", "A.1", scoring.PERCENT, scoring.LINEAR, 1, Decimal(80), Decimal(100)),
    scoring.ItemSpec("A.2.a", "A.2", scoring.PERCENT, scoring.LINEAR, 1, Decimal(30), Decimal(10)),
    scoring.ItemSpec(
        "A.2.b",
        "A.2",
        scoring.COUNT,
        scoring.BANDS,
        2,
        bands=((Decimal(1), Decimal("0.4")), (Decimal(6), Decimal(1))),
    ),
]
SMALL = scoring.FrameworkSpec(
    clusters=[scoring.ClusterSpec("A", "A", 100)],
    indicators=[scoring.IndicatorSpec("A.1", "A", 60), scoring.IndicatorSpec("A.2", "A", 40)],
    items=ITEMS,
    bands=[scoring.BandSpec("Pratama", Decimal(50)), scoring.BandSpec("Madya", Decimal("60.01"))],
)


def test_full_answer_earns_every_rule_its_best_fraction():
    for spec in ITEMS:
        answer = gap_planner.full_answer(spec)
        value = scoring.combine(spec.kind, [answer])
        assert scoring.item_fraction(spec, value) == 1, spec.code


def test_full_answer_of_lower_is_better_percent_reaches_the_best_value():
    answer = gap_planner.full_answer(ITEMS[2])
    assert scoring.combine(scoring.PERCENT, [answer]) == 10


def test_ranking_is_by_points_gained_and_skips_items_already_full():
    answers = [scoring.Answer("A.1.a", yes=True), scoring.Answer("A.2.b", count=1)]
    ranking = gap_planner.rank(SMALL, answers)
    # A.1.a is full; A.1.b adds 60 x 1/4 = 15; A.2.a 40 x 1/3; A.2.b 40 x 2 x 0.6 / 3 = 16
    assert [(g.item, g.points) for g in ranking] == [
        ("A.2.b", Decimal("16.00")),
        ("A.1.b", Decimal("15.00")),
        ("A.2.a", Decimal("13.33")),
    ]
    assert ranking[0].fraction == Fraction(2, 5)


def test_plan_takes_the_shortest_prefix_that_reaches_the_next_category():
    answers = [scoring.Answer("A.1.a", yes=True), scoring.Answer("A.2.b", count=1)]
    base = scoring.score(SMALL, answers).total  # 45 + 40 x 0.8 / 3 = 55.67
    assert base == Decimal("55.67")
    plan = gap_planner.plan(SMALL, answers)
    assert plan.target == "Madya"
    assert [g.item for g in plan.steps] == ["A.2.b"]
    assert plan.total_after == Decimal("71.67")


def test_plan_uses_rescoring_not_the_sum_of_rounded_gains():
    # Three items of one indicator, each worth 10/3 alone: the sum of rounded gains (3.33 each)
    # understates what all three earn together (10.00).
    specs = [scoring.ItemSpec(f"B.1.{c}", "B.1", scoring.CHECK, scoring.CHECK) for c in "abc"]
    framework = scoring.FrameworkSpec(
        clusters=[scoring.ClusterSpec("B", "B", 10)],
        indicators=[scoring.IndicatorSpec("B.1", "B", 10)],
        items=specs,
        bands=[scoring.BandSpec("Top", Decimal(10))],
    )
    plan = gap_planner.plan(framework, [])
    assert [g.points for g in plan.ranking] == [Decimal("3.33")] * 3
    assert len(plan.steps) == 3
    assert plan.total_after == Decimal("10.00")


def test_plan_says_when_even_everything_is_not_enough():
    framework = scoring.FrameworkSpec(
        clusters=SMALL.clusters,
        indicators=SMALL.indicators,
        items=ITEMS,
        bands=[scoring.BandSpec("Impossible", Decimal(101))],
    )
    plan = gap_planner.plan(framework, [])
    assert plan.target == "Impossible"
    assert plan.steps == []
    assert not plan.reachable


def test_plan_at_the_top_category_has_no_target():
    answers = [gap_planner.full_answer(spec) for spec in ITEMS]
    plan = gap_planner.plan(SMALL, answers)
    assert plan.target is None
    assert plan.ranking == []


def _full_rows(period, codes):
    """CSV rows giving every assigned agency of each item its fully met value."""
    specs = {spec.code: spec for spec in framework_spec(period.framework).items}
    lines = ["agency,item,numerator,denominator,value,note"]
    assigned = Assignment.objects.filter(agency__region=period.region, item__code__in=codes)
    for agency, item in assigned.values_list("agency__code", "item__code"):
        answer = gap_planner.full_answer(specs[item])
        if answer.yes is not None:
            lines.append(f"{agency},{item},,,ya,")
        elif answer.count is not None:
            lines.append(f"{agency},{item},,,{answer.count},")
        else:
            lines.append(f"{agency},{item},{answer.numerator},{answer.denominator},,")
    return "\n".join(lines).encode()


def test_approving_the_planned_items_reaches_the_next_category(demo_with_values):
    period = demo_with_values.period
    before = period_score(period, VERIFIED)
    plan = gap_planner.plan(framework_spec(period.framework), counted_answers(period, VERIFIED))
    assert plan.target == before.category.next_name is not None
    assert plan.reachable and plan.steps

    codes = [gain.item for gain in plan.steps]
    values_import(
        content=_full_rows(period, codes),
        filename="plan.csv",
        period=period,
        status="approved",
        evidence_rule=False,  # approved as loaded, as `import_values` does
        replace_approved=True,
    )

    after = period_score(period, VERIFIED)
    assert after.category.name == plan.target
    assert after.total == plan.total_after
    assert before.total < after.total


def test_approving_all_but_the_last_planned_item_falls_short(demo_with_values):
    period = demo_with_values.period
    plan = gap_planner.plan(framework_spec(period.framework), counted_answers(period, VERIFIED))
    codes = [gain.item for gain in plan.steps][:-1]
    if codes:
        values_import(
            content=_full_rows(period, codes),
            filename="p.csv",
            period=period,
            status="approved",
            evidence_rule=False,  # approved as loaded, as `import_values` does
            replace_approved=True,
        )
    assert period_score(period, VERIFIED).category.name != plan.target

"""Band conditions as DP3AKB's admin stores them: validated, scored, shown alike everywhere."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import BandCondition, CategoryBand, Framework, Indicator, Item
from clusters.selectors import framework_spec
from clusters.services import framework_copy, framework_revise
from indicators.selectors.dashboard import dashboard_data
from indicators.selectors.scores import period_score


def kla_score(period, basis, fmt="json"):
    out = StringIO()
    call_command(
        "kla_score",
        *("--period", str(period.year), "--region", period.region.slug),
        *("--basis", basis, "--format", fmt),
        stdout=out,
    )
    return json.loads(out.getvalue()) if fmt == "json" else out.getvalue()


def band(framework, name):
    return CategoryBand.objects.get(framework=framework, name=name)


def test_shipped_edition_has_no_conditions(demo_with_values):
    assert not BandCondition.objects.exists()
    assert kla_score(demo_with_values.period, "verified")["conditions"] == []


def test_framework_spec_reads_bands_and_conditions_in_the_same_four_queries(framework):
    BandCondition.objects.create(
        band=band(framework, "KLA"), kind="item", item=Item.objects.get(code="III.13.a")
    )
    BandCondition.objects.create(
        band=band(framework, "KLA"),
        kind="indicator",
        indicator=Indicator.objects.get(code="II.8"),
        min_percent=Decimal(80),
    )
    with CaptureQueriesContext(connection) as queries:
        spec = framework_spec(framework)
    assert len(queries) == 4
    kla = next(b for b in spec.bands if b.name == "KLA")
    assert [c.target for c in kla.conditions] == ["III.13.a", "II.8 ≥ 80%"]
    assert [b.name for b in spec.bands if not b.conditions] == [
        "Pratama",
        "Madya",
        "Nindya",
        "Utama",
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "item"}, "item"),
        ({"kind": "item", "item_code": "III.13.a", "percent": 50}, "indicator"),
        ({"kind": "indicator", "indicator_code": "II.8"}, "min_percent"),
        ({"kind": "indicator", "indicator_code": "II.8", "percent": "100.01"}, "min_percent"),
        ({"kind": "indicator", "indicator_code": "II.8", "percent": 0}, "min_percent"),
        ({"kind": "indicator", "percent": 50}, "indicator"),
    ],
)
def test_a_condition_with_the_wrong_fields_is_refused(framework, values, field):
    condition = BandCondition(
        band=band(framework, "Utama"),
        kind=values["kind"],
        item=Item.objects.filter(code=values.get("item_code")).first(),
        indicator=Indicator.objects.filter(code=values.get("indicator_code")).first(),
        min_percent=values.get("percent"),
    )
    with pytest.raises(ValidationError) as refused:
        condition.full_clean()
    assert field in refused.value.message_dict


def test_a_condition_on_another_editions_item_is_refused(framework):
    newer = framework_copy(source=framework, code="kla-2027", name="KLA 2027", year=2027)
    other_item = Item.objects.get(code="III.13.a", indicator__cluster__framework=newer)
    condition = BandCondition(band=band(framework, "KLA"), kind="item", item=other_item)
    with pytest.raises(ValidationError) as refused:
        condition.full_clean()
    assert "bukan dari edisi" in refused.value.message_dict["item"][0]


def test_copying_an_edition_copies_its_conditions_onto_its_own_rows(framework):
    BandCondition.objects.create(
        band=band(framework, "KLA"), kind="item", item=Item.objects.get(code="III.13.a")
    )
    newer = framework_copy(source=framework, code="kla-2027", name="KLA 2027", year=2027)
    copied = BandCondition.objects.get(band__framework=newer)
    assert copied.band.name == "KLA"
    assert copied.item.indicator.cluster.framework == newer
    copied.full_clean()


def test_admin_adds_a_condition_inline_and_the_score_follows(client, demo_with_values, superuser):
    framework = demo_with_values.period.framework
    top = band(framework, "Pratama")
    before = Framework.objects.get(pk=framework.pk).revision
    client.force_login(superuser)
    url = f"/admin/clusters/categoryband/{top.pk}/change/"
    assert client.get(url).status_code == 200
    form = {
        "framework": framework.pk,
        "name": top.name,
        "order": top.order,
        "min_total": str(top.min_total),
        "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
        "conditions-0-kind": "indicator",
        "conditions-0-indicator": Indicator.objects.get(
            code="II.8", cluster__framework=framework
        ).pk,
        "conditions-0-min_percent": "150",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "paling tinggi 100" in refused.content.decode()
    assert not BandCondition.objects.exists()

    form["conditions-0-min_percent"] = "100"
    assert client.post(url, form).status_code == 302
    assert BandCondition.objects.get().band == top
    assert Framework.objects.get(pk=framework.pk).revision > before
    document = kla_score(demo_with_values.period, "verified")
    assert [c["band"] for c in document["conditions"]] == ["Pratama"]
    assert document["conditions"][0]["target"] == "II.8 ≥ 100%"


def test_kla_score_and_the_dashboard_agree_on_every_condition(demo_with_values):
    period = demo_with_values.period
    framework = period.framework
    verified = period_score(period, "verified")
    full = next(i.code for i in verified.items if i.fraction == 1)
    short = next(i.code for i in verified.items if i.fraction < 1)
    best = max(verified.indicators, key=lambda i: i.points / i.max_points)
    share = (best.points / best.max_points * 100).quantize(Decimal("0.01"))
    for name in ("Pratama", "Madya", "Nindya", "Utama", "KLA"):
        b = band(framework, name)
        BandCondition.objects.create(band=b, kind="item", item=Item.objects.get(code=full))
        BandCondition.objects.create(
            band=b,
            kind="indicator",
            indicator=Indicator.objects.get(code=best.code, cluster__framework=framework),
            min_percent=share,  # exactly its share: met
        )
    # Pratama also needs an item that is not at full value, so it fails.
    BandCondition.objects.create(
        band=band(framework, "Pratama"), kind="item", item=Item.objects.get(code=short)
    )
    framework.refresh_from_db()
    document = kla_score(period, "verified")
    data = dashboard_data(period)
    assert [(c.band, c.target, c.met) for c in data.verified.conditions] == [
        (c["band"], c["target"], c["met"]) for c in document["conditions"]
    ]
    assert len(document["conditions"]) == 11
    assert [c["met"] for c in document["conditions"] if c["band"] == "Pratama"] == [
        True,
        True,
        False,
    ]
    assert all(c["met"] for c in document["conditions"] if c["band"] != "Pratama")
    assert data.verified.category == document["category"]
    table = kla_score(period, "verified", fmt="table")
    assert f"Pratama      {short:<30}     belum" in table


def test_dashboard_shows_each_condition_and_a_band_blocked_by_one(
    client, demo_with_values, gugus_tugas
):
    period = demo_with_values.period
    verified = period_score(period, "verified")
    short = next(i.code for i in verified.items if i.fraction < 1)
    # The band right at the verified total, made to need an item that is not full.
    reached = band(period.framework, verified.category.name or "Pratama")
    reached.min_total = min(reached.min_total, verified.total)
    reached.save()
    BandCondition.objects.create(band=reached, kind="item", item=Item.objects.get(code=short))
    framework_revise(framework_ids=[period.framework_id])
    client.force_login(gugus_tugas)
    page = client.get("/dashboard/").content.decode()
    assert 'id="band-conditions"' in page
    assert f'<td class="target">{short}</td>' in page
    assert "condition-unmet" in page
    assert f"Nilai sudah cukup untuk {reached.name}, tetapi syarat kategorinya" in page
    document = kla_score(period, "verified")
    assert document["next_category"] == reached.name
    assert document["points_to_next"] == 0


def test_the_plan_names_what_the_next_band_needs_and_fills_it_first(
    client, demo_with_values, gugus_tugas
):
    period = demo_with_values.period
    verified = period_score(period, "verified")
    target = verified.category.next_name
    # The item that adds the fewest points of those not full: points alone would not pick it.
    short = [i.code for i in verified.items if i.fraction < 1][-1]
    BandCondition.objects.create(
        band=band(period.framework, target), kind="item", item=Item.objects.get(code=short)
    )
    framework_revise(framework_ids=[period.framework_id])
    client.force_login(gugus_tugas)
    response = client.get("/dashboard/")
    data = response.context["data"]
    assert data.plan.target == target
    assert data.plan.reachable
    assert data.plan.steps[0].item == short
    page = response.content.decode()
    assert 'id="plan-conditions"' in page
    assert f"{target} juga mensyaratkan:" in page

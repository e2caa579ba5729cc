"""Framework edits in the admin show in the very next score, with the score cache on."""

import pytest
from django.db.models import Model

from clusters.models import CategoryBand, Cluster, Framework, Indicator, Item
from clusters.services import bundled_editions, framework_load
from indicators.models import Region
from indicators.selectors.periods import current_period
from indicators.selectors.score_cache import cached_period_score
from indicators.selectors.scores import SELF, period_score


def _value(bound) -> object:
    value = bound.value()
    if isinstance(value, Model):
        return value.pk
    return value


def change_page_data(response) -> dict:
    """What the change page would post back unchanged: its form and every inline formset."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = _value(form[name])
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif value is not None and value is not False:
                data[key] = value if isinstance(value, list) else str(value)
    return data


def _period():
    # As a request loads it: the framework joined, its revision read now.
    return current_period(Region.objects.get(slug="balikpapan"))


@pytest.fixture
def admin_client(client, demo_with_values, superuser):
    client.force_login(superuser)
    return client


def post_change(client, obj, edit) -> None:
    url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    data = change_page_data(client.get(url))
    edit(data)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def _fractions():
    return {item.code: item.fraction or 0 for item in period_score(_period(), SELF).items}


def _scored_item():
    """An item that earns points now, beside an item of its indicator that earns differently.

    Weighting it more then moves the indicator's weighted mean, hence the total.
    """
    fractions = _fractions()
    for item in Item.objects.select_related("indicator").order_by("pk"):
        siblings = item.indicator.items.values_list("code", flat=True)
        if fractions.get(item.code) and {fractions.get(code, 0) for code in siblings} != {
            fractions[item.code]
        }:
            return item
    raise AssertionError("no such item in the demo year")


def _inline_index(data, prefix, pk):
    return next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == str(pk) and key.startswith(prefix)
    )


def edit_band(client):
    framework = Framework.objects.get()
    score = period_score(_period(), SELF)
    band = CategoryBand.objects.get(name=score.category.name)

    def raise_current_band(data):
        n = _inline_index(data, "bands-", band.pk)
        data[f"bands-{n}-min_total"] = str(score.total + 1)

    post_change(client, framework, raise_current_band)


def edit_weight(client):
    item = _scored_item()
    post_change(client, item, lambda data: data.update(weight=str(item.weight + 5)))


def edit_weight_inline(client):
    item = _scored_item()

    def heavier(data):
        n = _inline_index(data, "items-", item.pk)
        data[f"items-{n}-weight"] = str(item.weight + 5)

    post_change(client, item.indicator, heavier)


def edit_indicator(client):
    indicator = _scored_item().indicator
    post_change(
        client, indicator, lambda data: data.update(max_points=str(indicator.max_points / 2))
    )


def edit_cluster(client):
    cluster = _scored_item().indicator.cluster
    post_change(client, cluster, lambda data: data.update(max_points=str(cluster.max_points + 10)))


def edit_cluster_inline(client):
    framework = Framework.objects.get()
    cluster = _scored_item().indicator.cluster

    def bigger(data):
        n = _inline_index(data, "clusters-", cluster.pk)
        data[f"clusters-{n}-max_points"] = str(cluster.max_points + 10)

    post_change(client, framework, bigger)


def delete_band(client):
    framework = Framework.objects.get()
    band = CategoryBand.objects.get(name=period_score(_period(), SELF).category.name)

    def delete_current_band(data):
        data[f"bands-{_inline_index(data, 'bands-', band.pk)}-DELETE"] = "on"

    post_change(client, framework, delete_current_band)


def add_item(client):
    # A new, unanswered item beside one that earns points: the indicator's mean gains a zero.
    indicator = _scored_item().indicator
    data = change_page_data(client.get("/admin/clusters/item/add/"))
    data.update(
        indicator=str(indicator.pk),
        code=f"{indicator.code}.z",
        name="Butir baru",
        kind="check",
        rule="check",
        weight="1",
    )
    response = client.post("/admin/clusters/item/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors


EDITS = [
    edit_band,
    edit_weight,
    edit_weight_inline,
    edit_indicator,
    edit_cluster,
    edit_cluster_inline,
    delete_band,
    add_item,
]


@pytest.mark.parametrize("edit", EDITS, ids=[edit.__name__ for edit in EDITS])
def test_a_framework_edit_in_the_admin_shows_in_the_next_cached_score(admin_client, settings, edit):
    assert settings.SCORE_CACHE_SECONDS  # the cache is on, as in production with Redis
    before = cached_period_score(_period(), SELF)
    assert cached_period_score(_period(), SELF) is not None  # warm
    edit(admin_client)
    after = cached_period_score(_period(), SELF)
    assert after == period_score(_period(), SELF)
    assert after != before


def test_loading_new_rows_of_an_edition_revises_it(framework):
    Item.objects.filter(code="III.13.a").delete()
    before = Framework.objects.get().revision
    framework_load(directory=bundled_editions()[0])
    assert Framework.objects.get().revision > before
    # Loading again creates nothing and revises nothing.
    again = Framework.objects.get().revision
    framework_load(directory=bundled_editions()[0])
    assert Framework.objects.get().revision == again


def test_a_stale_framework_form_cannot_turn_the_revision_back(admin_client):
    framework = Framework.objects.get()
    url = f"/admin/clusters/framework/{framework.pk}/change/"
    data = change_page_data(admin_client.get(url))  # read at the old revision
    edit_weight(admin_client)
    revised = Framework.objects.get().revision
    assert admin_client.post(url, data).status_code == 302
    assert Framework.objects.get().revision > revised


def test_every_framework_model_is_edited_through_a_revising_admin():
    from django.contrib import admin

    from clusters.admin import FrameworkRowAdmin

    for model in (Framework, Cluster, Indicator, Item):
        assert isinstance(admin.site._registry[model], FrameworkRowAdmin), model

"""The bundled framework: its content, idempotent loading, admin editing and copying forward."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from clusters.models import CategoryBand, Cluster, Framework, Indicator, Item
from clusters.services import framework_copy


@pytest.mark.django_db
def test_load_framework_loads_the_reference_instrument():
    call_command("load_framework")
    framework = Framework.objects.get(code="kla-2026")
    assert Cluster.objects.filter(framework=framework).count() == 6
    assert Indicator.objects.filter(cluster__framework=framework).count() == 24
    assert Item.objects.filter(indicator__cluster__framework=framework).count() == 52
    assert Cluster.objects.aggregate(total=Sum("max_points"))["total"] == Decimal(1000)
    assert Indicator.objects.aggregate(total=Sum("max_points"))["total"] == Decimal(1000)
    assert list(CategoryBand.objects.values_list("name", flat=True)) == [
        "Pratama",
        "Madya",
        "Nindya",
        "Utama",
        "KLA",
    ]
    item = Item.objects.get(code="III.13.a")
    assert (item.kind, item.rule, item.worst, item.best) == ("percent", "linear", 30, 10)
    assert Item.objects.get(code="IV.19.a").agency_codes == ["DISDIK", "KEMENAG"]


@pytest.mark.django_db
def test_each_cluster_budget_equals_the_sum_of_its_indicators():
    call_command("load_framework")
    for cluster in Cluster.objects.annotate(points=Sum("indicators__max_points")):
        assert cluster.points == cluster.max_points, cluster.code


@pytest.mark.django_db
def test_load_framework_twice_changes_nothing_and_keeps_admin_edits(capsys):
    call_command("load_framework")
    Item.objects.filter(code="K.1.a").update(weight=7)
    call_command("load_framework")
    assert "tidak ada perubahan" in capsys.readouterr().out
    assert Item.objects.count() == 52
    assert Item.objects.get(code="K.1.a").weight == 7


def test_copy_forward_creates_an_independent_edition(framework):
    copy = framework_copy(source=framework, code="kla-2027", name="KLA 2027", year=2027)
    assert copy.clusters.count() == 6
    assert Item.objects.filter(indicator__cluster__framework=copy).count() == 52
    assert copy.bands.count() == 5
    Item.objects.filter(indicator__cluster__framework=copy, code="K.1.a").update(weight=9)
    assert Item.objects.get(indicator__cluster__framework=framework, code="K.1.a").weight == 3


def test_admin_copies_an_edition(client, framework, superuser):
    client.force_login(superuser)
    url = f"/admin/clusters/framework/{framework.pk}/copy/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "kla-2027", "name": "KLA 2027", "year": 2027})
    assert response.status_code == 302
    assert Framework.objects.filter(code="kla-2027").exists()
    again = client.post(url, {"code": "kla-2027", "name": "KLA 2027", "year": 2027})
    assert "sudah ada" in again.content.decode()


def test_admin_lists_items_for_editing(client, framework, superuser):
    client.force_login(superuser)
    response = client.get("/admin/clusters/item/?q=III.13")
    assert response.status_code == 200
    assert "III.13.a" in response.content.decode()

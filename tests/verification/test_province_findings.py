"""A province verifier records the findings of every region of its province (VA), and no
other province's; DP3AKB's verifiers keep to their own region."""

import pytest
from django.urls import reverse

from clusters.models import Item
from indicators.models import Agency, Region
from tests.conftest import make_province_verifier
from verification.access import can_record_findings, findings_visible_to, recording_regions
from verification.services.findings import FindingError, finding_create


def _province_verifier(username, province):
    return make_province_verifier(province, username)


@pytest.fixture
def province(demo):
    Region.objects.filter(pk=demo.region.pk).update(province="Kalimantan Timur")
    demo.region.refresh_from_db()
    return demo.region.province


def test_a_province_verifier_records_its_provinces_findings_only(demo, province, other_region):
    own = _province_verifier("prov.kaltim", province)
    stranger = _province_verifier("prov.jatim", "Jawa Timur")
    assert can_record_findings(own, demo.region)
    assert not can_record_findings(stranger, demo.region)
    assert list(recording_regions(own)) == [demo.region]
    assert not recording_regions(stranger).filter(pk=demo.region.pk).exists()
    finding = finding_create(
        period=demo.period,
        stage="va",
        item=Item.objects.get(code="III.13.a"),
        text="SK Gugus Tugas belum diperbarui.",
        agencies=list(Agency.objects.filter(region=demo.region, code="DINKES")),
        actor=own,
    )
    assert finding in findings_visible_to(own)
    assert finding not in findings_visible_to(stranger)
    with pytest.raises(FindingError):
        finding_create(
            period=demo.period,
            stage="va",
            item=Item.objects.get(code="III.13.a"),
            text="Bukan provinsinya.",
            agencies=list(Agency.objects.filter(region=demo.region, code="DINKES")),
            actor=stranger,
        )


def test_the_admin_offers_a_province_verifier_its_provinces_periods(demo, province, client):
    own = _province_verifier("prov.kaltim", province)
    client.force_login(own)
    page = client.get(reverse("admin:verification_finding_add"))
    assert page.status_code == 200
    periods = page.context["adminform"].form.fields["period"].queryset
    assert demo.period in periods
    assert all(p.region.province == province for p in periods)

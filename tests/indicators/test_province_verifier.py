"""The province verifier reads every region of its province, writes nothing, and ranks them."""

import pytest
from django.contrib.auth import get_user_model

from indicators import access, roles
from indicators.models import OfficialResult, Period, ProvinceMembership, Region, Submission
from indicators.selectors.province import province_overview
from indicators.selectors.scores import period_score
from tests.conftest import attach, make_province_verifier, make_submission

PROVINCE = "Kalimantan Timur"
URL = "/provinsi/"


def province_verifier(username, province):
    return make_province_verifier(province, username)


@pytest.fixture
def kaltim(demo, other_region):
    """Balikpapan and Samarinda in Kalimantan Timur, with a period in Samarinda."""
    other_region.province = PROVINCE
    other_region.save()
    Period.objects.create(
        region=other_region,
        framework=demo.period.framework,
        year=demo.period.year,
        opens_on=demo.period.opens_on,
        closes_on=demo.period.closes_on,
    )
    return province_verifier("verifikator.kaltim", PROVINCE)


@pytest.fixture
def jatim(demo):
    """A province verifier of Jawa Timur, with a region of its own (Kota Kediri)."""
    Region.objects.create(slug="kediri", name="Kota Kediri", province="Jawa Timur")
    return province_verifier("verifikator.jatim", "Jawa Timur")


def test_the_group_holds_view_permissions_and_only_the_findings_to_write(db):
    group = roles.roles_ensure_groups()[roles.PROVINCE_VERIFIER]
    codes = set(group.permissions.values_list("codename", flat=True))
    assert "view_submission" in codes and "view_evidence" in codes
    writes = {code for code in codes if not code.startswith("view_")}
    assert writes == {"add_finding", "change_finding"}  # their VA findings, nothing else


def test_province_of_and_the_regions_read(kaltim, jatim, demo, verifier):
    balikpapan, samarinda = demo.region, Region.objects.get(slug="samarinda")
    assert access.province_of(kaltim) == PROVINCE
    assert access.province_of(verifier) is None
    assert set(roles.readable_regions(kaltim)) == {balikpapan, samarinda}
    assert not roles.readable_regions(jatim).filter(pk=balikpapan.pk).exists()
    assert list(roles.readable_regions(verifier)) == [balikpapan]


def test_the_province_verifier_reads_each_regions_dashboard(client, kaltim, jatim):
    client.force_login(kaltim)
    page = client.get("/dashboard/?region=balikpapan")
    assert page.status_code == 200
    assert page.context["scope"].many_regions
    assert {r.slug for r in page.context["scope"].regions} == {"balikpapan", "samarinda"}
    assert client.get("/dashboard/?region=samarinda").status_code == 200
    client.force_login(jatim)
    assert client.get("/dashboard/?region=balikpapan").status_code == 404


def test_evidence_and_items_are_read_but_never_written(client, kaltim, jatim, demo):
    submission = make_submission(demo.period, "DINKES", "III.12.a", numerator=90, denominator=100)
    evidence = attach(submission)
    client.force_login(kaltim)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    change = f"/admin/indicators/submission/{submission.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    # No answer is written and nothing is approved: the review queue and actions refuse.
    assert client.get("/admin/review/")["Location"] == "/admin/"
    client.post(f"/admin/indicators/submission/{submission.pk}/review/", {"action": "approve"})
    client.post(change, {"status": "approved", "note": "x"})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert client.get(f"/items/{submission.item.code}/").status_code == 404
    client.force_login(jatim)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
    assert client.get(change).status_code == 302  # out of scope: "does not exist"


def test_a_verifier_who_is_also_a_province_verifier_changes_only_their_own_region(
    client, kaltim, demo, verifier
):
    make_province_verifier(PROVINCE, user=verifier)
    own = OfficialResult.objects.create(period=demo.period, category="Madya")
    other = OfficialResult.objects.create(
        period=Period.objects.get(region__slug="samarinda"), category="Nindya"
    )
    client.force_login(verifier)
    own = client.get(f"/admin/indicators/officialresult/{own.pk}/change/")
    other = client.get(f"/admin/indicators/officialresult/{other.pk}/change/")
    assert own.status_code == other.status_code == 200
    assert own.context["has_change_permission"]
    assert not other.context["has_change_permission"]


def test_the_overview_ranks_the_provinces_regions(client, kaltim, demo_with_values):
    client.force_login(kaltim)
    page = client.get(URL)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r.region.slug for r in rows] == ["balikpapan", "samarinda"]
    top = rows[0]
    assert top.rank == 1
    assert top.verified.total == period_score(top.period, "verified").total
    assert top.ready.total == period_score(top.period, "ready").total
    assert top.self_assessed.total == period_score(top.period, "self").total
    assert top.at_risk == top.self_assessed.total - top.verified.total
    assert top.documents_gap == top.verified.total - top.ready.total
    html = page.content.decode()
    assert 'id="region-balikpapan"' in html
    # Indonesian separators: 1.234,56 style
    assert f"{top.verified.total:.2f}".replace(".", ",") in html.replace(".", "")


def test_the_overview_is_refused_to_everyone_but_province_verifiers_and_superusers(
    client, kaltim, jatim, verifier, gugus_tugas, operator, superuser
):
    for user in (verifier, gugus_tugas, operator):
        client.force_login(user)
        assert client.get(URL).status_code == 403, user
    client.force_login(jatim)
    assert client.get(URL).status_code == 200
    assert [r.region.slug for r in client.get(URL).context["rows"]] == ["kediri"]
    assert client.get(URL + "?province=Kalimantan+Timur").status_code == 404
    client.force_login(superuser)
    assert client.get(URL + "?province=Jawa+Timur").context["province"] == "Jawa Timur"
    assert client.get(URL + "?province=Atlantis").status_code == 404


def test_ranking_is_verified_then_ready_then_self(db, framework):
    from indicators.seeding.synthetic import synthetic_generate

    synthetic_generate(framework=framework, regions=4, agencies=5, seed=3, year=2025)
    Region.objects.update(province="Provinsi Uji")
    rows = province_overview("Provinsi Uji")
    assert len(rows) == 4
    keys = [(r.verified.total, r.ready.total, r.self_assessed.total) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    for row in rows:
        assert row.verified.total == period_score(row.period, "verified").total
        assert row.ready.total == period_score(row.period, "ready").total


def test_a_verifier_who_is_also_a_province_verifier_reviews_only_their_own_region(
    client, kaltim, demo, verifier
):
    """Reading Samarinda (the province) is no licence to approve its answers: neither the review
    page nor the change page's review buttons nor the service approve another region's."""
    from indicators.services import workflow

    make_province_verifier(PROVINCE, user=verifier)
    samarinda = Period.objects.get(region__slug="samarinda")
    from indicators.models import Agency, Assignment

    agency = Agency.objects.get(region=samarinda.region, code="DP3AKB")
    submission = make_submission(demo.period, "DINKES", "III.13.a")
    Assignment.objects.create(agency=agency, item=submission.item)
    theirs = make_submission(samarinda, "DP3AKB", "III.13.a")
    client.force_login(verifier)
    for url in (
        f"/admin/review/{theirs.pk}/",
        f"/admin/indicators/submission/{theirs.pk}/review/",
    ):
        client.post(url, {"review": "approve", "version": theirs.version, "note": "Setuju."})
        assert Submission.objects.get(pk=theirs.pk).status == Submission.Status.SUBMITTED, url
    assert "wilayah lain" in workflow.review_refusal(theirs, verifier)
    assert workflow.review_refusal(submission, verifier) is None  # their own region's


def test_a_membership_names_a_province_of_the_regions_and_gives_the_role(
    client, kaltim, demo, superuser
):
    user = get_user_model().objects.create_user("calon.provinsi", is_staff=True)
    client.force_login(superuser)
    url = "/admin/indicators/provincemembership/add/"
    typo = client.post(url, {"user": user.pk, "province": "Kalimantan timur"})
    assert typo.status_code == 200 and not ProvinceMembership.objects.filter(user=user).exists()
    assert client.post(url, {"user": user.pk, "province": PROVINCE}).status_code == 302
    assert ProvinceMembership.objects.get(user=user).province == PROVINCE
    assert user.groups.filter(name=roles.PROVINCE_VERIFIER).exists()

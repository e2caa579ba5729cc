"""The Gugus Tugas dashboard: who may open it, that its numbers are kla_score's, its queries."""

import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Agency, OfficialResult, Submission
from indicators.selectors.dashboard import dashboard_data
from tests.conftest import nothing_cached

URL = "/dashboard/"


def kla_score(period, basis):
    out = StringIO()
    call_command(
        "kla_score",
        "--period",
        str(period.year),
        "--region",
        period.region.slug,
        "--basis",
        basis,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_dashboard_url_is_named():
    assert reverse("indicators:dashboard") == URL


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_operator_is_refused_with_a_friendly_page_linking_home(client, operator):
    client.force_login(operator)
    response = client.get(URL)
    assert response.status_code == 403
    body = response.content.decode()
    assert 'href="/"' in body
    assert "Kembali ke beranda" in body


def test_operator_cannot_export_either(client, operator):
    client.force_login(operator)
    assert client.get(reverse("indicators:dashboard-export")).status_code == 403


@pytest.mark.parametrize("who", ["gugus_tugas", "verifier", "superuser"])
def test_dashboard_readers_see_their_region(client, demo_with_values, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert "Kota Balikpapan" in response.content.decode()


def test_gugus_tugas_sees_no_region_filter_with_one_region(client, gugus_tugas, other_region):
    client.force_login(gugus_tugas)
    body = client.get(URL).content.decode()
    assert 'name="region"' not in body
    assert 'name="period"' in body


def test_superuser_chooses_among_regions(client, superuser, other_region):
    client.force_login(superuser)
    body = client.get(URL).content.decode()
    assert 'name="region"' in body
    assert "Kota Samarinda" in body


def test_verifier_of_another_region_cannot_open_balikpapan(client, demo, other_region):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    assert client.get(URL, {"region": "balikpapan"}).status_code == 404


def test_unknown_period_is_not_found(client, gugus_tugas):
    client.force_login(gugus_tugas)
    assert client.get(URL, {"period": "1999"}).status_code == 404


@pytest.mark.parametrize("basis", ["verified", "self"])
def test_numbers_equal_kla_score(client, demo_with_values, gugus_tugas, basis):
    period = demo_with_values.period
    expected = kla_score(period, basis)
    client.force_login(gugus_tugas)
    data = client.get(URL).context["data"]
    headline = data.verified if basis == "verified" else data.self_assessed
    assert float(headline.total) == expected["total"]
    assert headline.category == expected["category"]
    assert headline.next_category == expected["next_category"]
    assert float(headline.points_to_next) == expected["points_to_next"]
    field = "verified" if basis == "verified" else "self_points"
    assert [(c.code, float(getattr(c, field))) for c in data.clusters] == [
        (c["code"], c["points"]) for c in expected["clusters"]
    ]
    assert [(i.code, float(getattr(i, field))) for i in data.indicators] == [
        (i["code"], i["points"]) for i in expected["indicators"]
    ]
    value = "verified_value" if basis == "verified" else "self_value"
    items = [item for i in data.indicators for item in i.items]
    assert [
        (item.code, None if getattr(item, value) is None else float(getattr(item, value)))
        for item in items
    ] == [(i["code"], i["value"]) for i in expected["items"]]


def test_page_shows_both_totals_and_the_risk(client, demo_with_values, gugus_tugas):
    client.force_login(gugus_tugas)
    response = client.get(URL)
    data, body = response.context["data"], response.content.decode()
    assert data.at_risk == data.self_assessed.total - data.verified.total
    assert data.at_risk > 0  # the demo year has submitted, unapproved answers
    for amount in (data.verified.total, data.self_assessed.total, data.at_risk):
        assert f"{amount:.2f}".replace(".", ",") in body
    assert "berisiko saat verifikasi" in body
    assert "perkiraan tidak resmi" in body
    assert body.count('class="indicator"') == 24
    assert body.count('class="cluster-bar"') == 6


def test_page_has_no_inline_styles_or_scripts(client, demo_with_values, gugus_tugas):
    client.force_login(gugus_tugas)
    body = client.get(URL).content.decode()
    assert "style=" not in body
    assert "<style" not in body
    assert "<script>" not in body


def test_status_mix_counts_every_submission_and_every_missing_agency(
    client, demo_with_values, gugus_tugas
):
    period = demo_with_values.period
    client.force_login(gugus_tugas)
    data = client.get(URL).context["data"]
    counted = sum(n for i in data.indicators for s, _, n in i.status_mix if s != "missing")
    assert counted == Submission.objects.filter(period=period).count()
    entries = [e for i in data.indicators for item in i.items for e in item.entries]
    missing = sum(1 for e in entries if e.status == "missing")
    assert missing == sum(n for i in data.indicators for s, _, n in i.status_mix if s == "missing")
    assert missing == len(entries) - Submission.objects.filter(period=period).count()


def test_agencies_count_their_work_and_the_most_behind_comes_first(demo_with_values):
    period = demo_with_values.period
    rows = dashboard_data(period).agencies
    dinkes = next(r for r in rows if r.code == "DINKES")
    mine = Submission.objects.filter(period=period, agency__code="DINKES")
    assert dinkes.assigned == Agency.objects.get(code="DINKES").assignments.count()
    assert dinkes.approved == mine.filter(status="approved").count()
    assert dinkes.returned == mine.filter(status="returned").count()
    assert dinkes.submitted == mine.filter(status="submitted").count()
    assert dinkes.days_left == period.days_left()
    shares = [r.behind / r.assigned for r in rows]
    assert shares == sorted(shares, reverse=True)


def test_evidence_missing_counts_claimed_answers_without_a_file(demo_with_values):
    period = demo_with_values.period
    claimed = Submission.objects.filter(period=period, agency__code="DINKES").exclude(
        status="draft"
    )
    for submission in claimed[:2]:
        submission.evidence.all().delete()
    expected = claimed.filter(evidence__isnull=True, item__evidence_required=True).count()
    dinkes = next(r for r in dashboard_data(period).agencies if r.code == "DINKES")
    assert dinkes.evidence_missing == expected >= 2


def test_history_puts_the_forecast_beside_the_official_result(demo_with_values):
    period = demo_with_values.period
    previous = period.region.periods.get(year=period.year - 1)
    history = dashboard_data(period).history
    assert [h.year for h in history] == [previous.year]
    official = OfficialResult.objects.get(period=previous)
    assert float(history[0].forecast) == kla_score(previous, "verified")["total"]
    assert history[0].final_score == official.final_score
    assert history[0].administrative_verification == official.administrative_verification
    assert history[0].category == official.category
    assert history[0].difference == official.final_score - history[0].forecast


def test_earlier_year_can_be_chosen(client, demo_with_values, gugus_tugas):
    previous = demo_with_values.period.year - 1
    client.force_login(gugus_tugas)
    data = client.get(URL, {"period": previous}).context["data"]
    assert data.period.year == previous
    assert float(data.verified.total) == kla_score(data.period, "verified")["total"]
    assert data.history == []


def _grow(period, factor):
    """Copy the period's submissions into more agencies, so the same page holds more data."""
    by_item = {
        s.item_id: s for s in Submission.objects.filter(period=period).select_related("item")
    }
    originals = list(by_item.values())
    for n in range(factor):
        agency = Agency.objects.create(region=period.region, code=f"EXTRA{n}", name=f"Extra {n}")
        for s in originals:
            agency.assignments.create(item=s.item)
        Submission.objects.bulk_create(
            Submission(
                agency=agency,
                item=s.item,
                period=period,
                status=s.status,
                answer_yes=s.answer_yes,
                numerator=s.numerator,
                denominator=s.denominator,
                count=s.count,
            )
            for s in originals
        )


def test_query_count_does_not_grow_with_the_data(client, demo_with_values, gugus_tugas):
    client.force_login(gugus_tugas)
    client.get(URL)  # warm the session and caches
    nothing_cached()
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    _grow(demo_with_values.period, 3)
    nothing_cached()
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200
    assert Submission.objects.filter(period=demo_with_values.period).count() > 180
    assert len(small) == len(large)
    assert len(small) <= 40


def test_export_holds_every_table(client, demo_with_values, gugus_tugas):
    client.force_login(gugus_tugas)
    response = client.get(reverse("indicators:dashboard-export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Ringkasan",
        "Klaster",
        "Indikator",
        "Butir",
        "Kesiapan",
        "Rencana",
        "OPD",
        "Riwayat",
    ]
    verified = kla_score(demo_with_values.period, "verified")
    assert workbook["Ringkasan"]["B2"].value == verified["total"]
    assert workbook["Indikator"].max_row == 25
    assert workbook["Butir"].max_row == 1 + len(verified["items"])


def test_export_neutralises_an_agency_name_that_looks_like_a_formula(
    client, demo_with_values, gugus_tugas
):
    Agency.objects.filter(code="DINKES").update(short_name='=HYPERLINK("http://evil")')
    client.force_login(gugus_tugas)
    response = client.get(reverse("indicators:dashboard-export"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in workbook["OPD"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in names
    assert not any(str(n).startswith("=") for n in names)


def test_the_page_answers_first_in_one_sentence(client, demo_with_values, gugus_tugas):
    from indicators.selectors.dashboard import summary_sentence

    client.force_login(gugus_tugas)
    response = client.get(URL)
    data = response.context["data"]
    sentence = summary_sentence(data)
    assert sentence in response.content.decode()
    assert "dokumen siap verifikasi" in sentence and "berisiko" in sentence
    assert f"{data.ready.points_to_next:.2f}".replace(".", ",") in sentence


def test_a_locked_year_headlines_its_official_result(client, demo_with_values, gugus_tugas):
    previous = demo_with_values.period.year - 1
    official = OfficialResult.objects.get(period__year=previous)
    client.force_login(gugus_tugas)
    response = client.get(URL, {"period": previous})
    assert response.context["official"].final_score == official.final_score
    text = response.content.decode()
    assert f"Hasil resmi {previous}: {official.category}" in text


def test_items_show_their_points_and_sum_to_their_indicator(demo_with_values):
    data = dashboard_data(demo_with_values.period)
    for indicator in data.indicators:
        assert abs(sum(i.max_points for i in indicator.items) - indicator.max_points) < 0.05
        assert abs(sum(i.verified_points for i in indicator.items) - indicator.verified) < 0.05


def test_an_agency_link_shows_only_its_items(client, demo_with_values, gugus_tugas):
    client.force_login(gugus_tugas)
    response = client.get(URL, {"agency": "DINKES"})
    rows = [i for ind in response.context["indicators"] for i in ind.items]
    assert rows and all(any(e.agency_code == "DINKES" for e in i.entries) for i in rows)
    everything = client.get(URL, {"agency": "NOPE"}).context["indicators"]
    assert len(everything) == len(response.context["data"].indicators)

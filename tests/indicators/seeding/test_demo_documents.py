"""The demo year shows a believable mix of readiness: some ready, some missing a decree, one
expired certificate."""

from indicators.selectors.readiness_views import readiness_document


def test_the_demo_year_mixes_ready_items_missing_decrees_and_one_expired_certificate(
    demo_with_values,
):
    doc = readiness_document(demo_with_values.period)
    rows = doc["items"]
    ready = [row for row in rows if row["ready"]]
    missing_decree = [row for row in rows if "sk" in row["missing"]]
    expired = [row for row in rows if row["expired"]]
    assert len(ready) > len(rows) / 2
    assert missing_decree
    assert len(expired) == 1 and expired[0]["expired"] == ["sertifikat"]
    assert doc["summary"]["points_at_risk"] > 0


def test_the_finished_previous_year_is_ready_throughout(demo_with_values):
    from indicators.models import Period

    previous = Period.objects.get(
        region=demo_with_values.region, year=demo_with_values.period.year - 1
    )
    assert all(row["ready"] for row in readiness_document(previous)["items"])

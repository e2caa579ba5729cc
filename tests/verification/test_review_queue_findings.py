"""The review queue and review page count the findings still active on each answer."""

from clusters.models import Item
from indicators.models import Agency, Submission
from tests.conftest import make_submission
from verification.selectors.findings import active_per_submission
from verification.services.findings import finding_close, finding_create


def _submission(demo, agency_code, item_code):
    found = Submission.objects.filter(
        period=demo.period, agency__code=agency_code, item__code=item_code
    ).first() or make_submission(demo.period, agency_code, item_code)
    return Submission.objects.select_related("item").get(pk=found.pk)


def test_an_item_finding_and_an_indicator_finding_count_for_the_named_agency_only(
    demo, verifier, record
):
    dinkes = _submission(demo, "DINKES", "III.13.a")
    wasting = _submission(demo, "DINKES", "III.13.b")  # the same indicator, another item
    record("III.13.a", ["DINKES"])
    item = Item.objects.get(code="III.13.a")
    finding_create(
        period=demo.period,
        stage="va",
        indicator=item.indicator,
        text="Indikator ini belum lengkap.",
        agencies=list(Agency.objects.filter(region=demo.region, code="DINKES")),
        actor=verifier,
    )
    closed = record("III.13.a", ["DINKES"])
    finding_close(finding=closed, actor=verifier, version=closed.version, note="Sudah sesuai.")
    others = (
        Submission.objects.select_related("item").filter(period=demo.period).exclude(pk=dinkes.pk)
    )
    counts = active_per_submission([dinkes, *others])
    assert counts[dinkes.pk] == 2  # the item's and the indicator's; the closed one not
    sibling = [
        s for s in others if s.agency.code == "DINKES" and s.item.indicator_id == item.indicator_id
    ]
    assert wasting.pk in {s.pk for s in sibling}
    assert all(counts.get(s.pk) == 1 for s in sibling)  # the indicator's finding only
    assert not any(
        counts.get(s.pk) for s in others if s.agency.code != "DINKES"
    )  # other agencies are not named


def test_the_queue_and_the_review_page_show_the_count(demo, verifier, record, client):
    from django.urls import reverse

    dinkes = _submission(demo, "DINKES", "III.13.a")
    record("III.13.a", ["DINKES"])
    client.force_login(verifier)
    queue = client.get(reverse("admin:review_queue"), {"status": "all", "agency": "DINKES"})
    assert "1 temuan" in queue.content.decode()
    page = client.get(reverse("admin:review_page", args=[dinkes.pk]))
    assert "1 temuan terbuka" in page.content.decode()

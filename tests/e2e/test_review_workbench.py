"""The verifier's workbench in a browser: land on the queue, filter, open an item, see last
year's value and the checklist, preview a PDF drawn by pdf.js inside the CSP, approve and move
to the next with the filters kept, bulk-return with a note, and see a stale row skipped."""

import datetime

import pytest
from django.db.models import F

from indicators.models import Period, Submission
from tests.conftest import attach_document, make_ready, make_submission

pytestmark = pytest.mark.django_db(transaction=True)


def tiny_pdf() -> bytes:
    """A valid one-page PDF holding a green rectangle: drawn, it shows as green pixels."""
    # A green rectangle and a line of text in a standard (not embedded) font.
    stream = b"0 0.6 0 rg 20 20 260 160 re f BT /F1 12 Tf 0 0 0 rg 24 186 Td (KLA 2026) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_verifier_works_through_the_queue(page, login, demo, screenshot):
    period = demo.period
    previous = Period.objects.get(region=period.region, year=period.year - 1)
    make_submission(
        previous, "DINKES", "III.13.a", status="approved", numerator=25, denominator=100
    )
    stunting = make_submission(period, "DINKES", "III.13.a", numerator=20, denominator=100)
    attach_document(stunting, "data", content=tiny_pdf(), name="prevalensi-stunting.pdf")
    make_ready(stunting)
    after = make_ready(make_submission(period, "DINKES", "III.14.a"))
    stale = make_submission(period, "DINKES", "III.12.a")
    elsewhere = make_submission(period, "DISDIK", "IV.19.a")
    Submission.objects.filter(pk=elsewhere.pk).update(
        submitted_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=8)
    )
    refused = []  # CSP refusals and script errors (the portal has no favicon: not one)
    page.on(
        "console",
        lambda m: (
            refused.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: refused.append(str(e)))

    # Lands on the queue after signing in: this period's waiting items, year and name shown.
    login(page, "verifikator")
    assert page.url.endswith("/admin/review/")
    assert page.locator("#queue-table tbody tr").count() == 4
    assert page.locator(f'tr[data-id="{elsewhere.pk}"] .kla-overdue').is_visible()
    screenshot(page, "review-queue")

    # Filters by cluster.
    page.locator("select[name=cluster]").select_option("III")
    with page.expect_navigation():
        page.get_by_role("button", name="Saring").click()
    assert "cluster=III" in page.url
    assert page.locator("#queue-table tbody tr").count() == 3

    # Opens the stunting item: rule and direction, last year's value, the checklist, the PDF.
    with page.expect_navigation():
        page.locator(f'tr[data-id="{stunting.pk}"] a.kla-item-link').click()
    assert "Makin kecil makin baik." in page.locator("#scoring-rule").inner_text()
    assert "25 / 100 (25,00%)" in page.locator("#answer-before").inner_text()
    assert "membaik" in page.locator("#answer-change").inner_text()
    assert "terpenuhi" in page.locator('[data-requirement="data"]').inner_text()
    pdf = page.locator(".kla-pdf").first
    pdf.and_(page.locator('[data-rendered="1"]')).wait_for()
    green = page.evaluate(
        """() => {
            const c = document.querySelector('.kla-pdf canvas');
            const [r, g, b] = c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data;
            return g > 100 && r < 60 && b < 60;
        }"""
    )
    assert green, "the PDF's green rectangle was drawn into the canvas"
    screenshot(page, "review-page")

    # Approves and moves on to the next waiting item, filters kept.
    with page.expect_navigation():
        page.get_by_role("button", name="Setujui & berikutnya").click()
    assert f"/admin/review/{after.pk}/" in page.url and "cluster=III" in page.url
    assert "1 isian disetujui." in page.content()
    stunting.refresh_from_db()
    assert stunting.status == "approved"
    screenshot(page, "review-page-next")

    # Back to the queue with the filters; bulk-returns two rows with a note, one gone stale.
    with page.expect_navigation():
        page.locator("#back-to-queue").click()
    assert "cluster=III" in page.url
    page.locator(f'input[name=ids][value="{after.pk}"]').check()
    page.locator(f'input[name=ids][value="{stale.pk}"]').check()
    Submission.objects.filter(pk=stale.pk).update(version=F("version") + 1)  # someone else
    page.locator("#bulk-note").fill("Lengkapi rincian per kecamatan.")
    with page.expect_navigation():
        page.get_by_role("button", name="Kembalikan yang dicentang").click()
    assert "cluster=III" in page.url
    text = page.content()
    assert "1 isian dikembalikan." in text
    assert "1 × diubah orang lain sejak halaman dimuat" in text
    screenshot(page, "review-queue-bulk-return")
    after.refresh_from_db()
    stale.refresh_from_db()
    assert after.status == "returned" and stale.status == "submitted"
    assert after.events.get(action="returned").note == "Lengkapi rincian per kecamatan."
    assert not refused, refused  # no CSP refusal, no script error

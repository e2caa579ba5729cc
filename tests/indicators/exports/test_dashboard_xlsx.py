"""The dashboard workbook carries the ready forecast and why items lose points."""

import io

import openpyxl
from django.utils import translation

from indicators.exports.dashboard_xlsx import dashboard_xlsx
from indicators.selectors.dashboard import dashboard_data


def test_the_workbook_shows_the_ready_forecast_and_each_item_that_loses_points(
    demo_with_values,
):
    data = dashboard_data(demo_with_values.period)
    with translation.override("id"):
        book = openpyxl.load_workbook(io.BytesIO(dashboard_xlsx(data)))
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row}
    assert summary["Siap verifikasi (dokumen lengkap)"] == float(data.ready.total)
    rows = list(book["Kesiapan"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Butir", "Pertanyaan")
    lost = {row[0]: row[5] for row in rows[1:]}
    assert lost and set(lost) == {item.code for item in data.readiness_steps.items}
    for item in data.readiness_steps.items:
        assert lost[item.code] == "; ".join(str(reason) for reason in item.reasons)

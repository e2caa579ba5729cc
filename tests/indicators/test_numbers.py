"""Numbers the Indonesian way: 1.500 is one thousand five hundred, everywhere it is typed or shown.

One rule (indicators.answers) reads the operator form, both importers and, in JavaScript, the
live preview (tests/e2e/test_numbers_preview.py); every page shows numbers in its language.
"""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from clusters.models import Item
from indicators.answers import (
    MAX_NUMBER,
    SpreadsheetNumber,
    format_number,
    number_input,
    parse_count,
    parse_number,
)
from indicators.exports.dashboard_xlsx import dashboard_xlsx
from indicators.models import Agency, Submission
from indicators.selectors.dashboard import dashboard_data
from indicators.selectors.workspace import submission_for
from indicators.services import workflow
from indicators.services.importing import read_table, validate_rows
from tests.conftest import attach_evidence, make_submission
from tests.test_i18n import choose_english

PERCENT, COUNT = "III.13.a", "III.14.b"
HOW = "tulis 1.500 untuk seribu lima ratus, atau 1,5 untuk satu setengah"
ACCEPTED = [
    ("1500", "1500"),
    ("1.500", "1500"),
    ("1.500.000", "1500000"),
    ("1.500,25", "1500.25"),
    ("12,5", "12.5"),
    ("0,5", "0.5"),
    ("12.5", "12.5"),
    ("0.75", "0.75"),
    ("0.750", "0.75"),
    ("1500.25", "1500.25"),
    ("1 500", "1500"),
    ("8.102", "8102"),
    ("11.334", "11334"),
]
REFUSED = [
    ("1,500", "dapat dibaca dua cara"),
    ("1,500,000", "dapat dibaca dua cara"),
    ("1,234.5", "dapat dibaca dua cara"),
    ("1.50.0", "bukan angka"),
    ("1.5,25", "bukan angka"),
    ("1.500.5", "bukan angka"),
    ("12,", "bukan angka"),
    ("0,125", "paling banyak 2 angka di belakang koma"),
    ("0.125", "paling banyak 2 angka di belakang koma"),
    ("-3", "tidak boleh negatif"),
    ("1e3", "bukan angka"),
]


@pytest.fixture(autouse=True)
def _indonesian():
    """The rule's messages are read in Indonesian, whatever an earlier test left active."""
    with translation.override("id"):
        yield


def item_url(code=PERCENT):
    return f"/items/{code}/?agency=DINKES"


def save_percent(client, numerator, denominator):
    return client.post(
        item_url(),
        {"intent": "save", "version": 0, "numerator": numerator, "denominator": denominator},
    )


def stored_percent(demo, numerator, denominator, operator):
    submission = submission_for(
        agency=Agency.objects.get(code="DINKES"),
        item=Item.objects.get(code=PERCENT),
        period=demo.period,
    )
    saved = workflow.submission_save(
        submission=submission,
        values={"numerator": Decimal(numerator), "denominator": Decimal(denominator)},
        actor=operator,
        version=None,
    )
    attach_evidence(saved)
    return saved


# ---- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "value"), ACCEPTED)
def test_indonesian_and_plain_forms_are_read_as_meant(typed, value):
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize(("typed", "reason"), REFUSED)
def test_ambiguous_and_malformed_numbers_are_refused_never_guessed(typed, reason):
    with pytest.raises(ValueError, match=reason) as refused:
        parse_number(typed)
    if "angka" in reason and "belakang" not in reason or "dua cara" in reason:
        assert HOW in str(refused.value)


def test_a_count_in_indonesian_grouping_is_a_whole_number():
    assert parse_count("1.500") == 1500
    with pytest.raises(ValueError, match="tanpa pecahan"):
        parse_count("12,5")


amounts = st.decimals(min_value=0, max_value=MAX_NUMBER, places=2, allow_nan=False)


@given(amounts)
def test_a_number_shown_the_indonesian_way_reads_back_as_the_same_number(value):
    with translation.override("id"):
        assert parse_number(format_number(value)) == value
        assert parse_number(number_input(value)) == value


@given(amounts)
def test_a_number_in_an_english_form_reads_back_as_the_same_number(value):
    with translation.override("en"):
        assert parse_number(number_input(value)) == value


def test_a_spreadsheet_number_is_never_read_as_text():
    assert parse_number(SpreadsheetNumber(4120.0)) == 4120
    assert parse_number(SpreadsheetNumber(0.3 + 0.6)) == Decimal("0.9")
    for cell in (0.125, 150.125):  # as text, 150.125 would be Indonesian for 150125
        with pytest.raises(ValueError, match="paling banyak 2 angka"):
            parse_number(SpreadsheetNumber(cell))


# ---- the operator form -----------------------------------------------------------------------


def test_the_form_saves_indonesian_thousands_as_thousands(client, operator, demo):
    client.force_login(operator)
    assert save_percent(client, "1.500", "2.700").status_code == 302
    saved = Submission.objects.get(agency__code="DINKES", item__code=PERCENT)
    assert (saved.numerator, saved.denominator) == (1500, 2700)


def test_the_form_accepts_8102_of_11334_and_shows_71_48(client, operator, demo):
    client.force_login(operator)
    assert save_percent(client, "8.102", "11.334").status_code == 302
    page = client.get(item_url()).content.decode()
    assert 'aria-live="polite">71,48%</output>' in page
    assert 'value="8.102"' in page and 'value="11.334"' in page  # they read back the same
    saved = Submission.objects.get(agency__code="DINKES", item__code=PERCENT)
    assert (saved.numerator, saved.denominator) == (8102, 11334)


def test_an_ambiguous_number_is_refused_with_how_to_write_it(client, operator, demo):
    client.force_login(operator)
    response = save_percent(client, "1,500", "2.700")
    page = response.content.decode()
    assert response.status_code == 400
    assert "dapat dibaca dua cara" in page and HOW in page
    assert not Submission.objects.exists()


def test_a_count_typed_with_a_thousands_dot_is_saved_whole(client, operator, demo):
    client.force_login(operator)
    client.post(item_url(COUNT), {"intent": "save", "version": 0, "count": "1.250"})
    assert Submission.objects.get(item__code=COUNT).count == 1250
    assert 'value="1.250"' in client.get(item_url(COUNT)).content.decode()


# ---- importers -------------------------------------------------------------------------------

EXCEL_CSV = "agency;item;numerator;denominator;value;note\nDINKES;III.13.a;4.120;4.500;;catatan\n"


def test_import_values_reads_an_indonesian_excel_csv(tmp_path, demo):
    path = tmp_path / "nilai.csv"
    path.write_text(EXCEL_CSV, encoding="utf-8")
    call_command(
        "import_values",
        str(path),
        "--period",
        str(demo.period.year),
        "--region",
        "balikpapan",
        stdout=io.StringIO(),
    )
    saved = Submission.objects.get(agency__code="DINKES", item__code=PERCENT)
    assert (saved.numerator, saved.denominator, saved.narrative) == (4120, 4500, "catatan")


def test_the_admin_import_reads_an_indonesian_excel_csv(client, verifier, demo):
    client.force_login(verifier)
    file = io.BytesIO(EXCEL_CSV.encode())
    file.name = "nilai.csv"
    url = reverse("admin:indicators_submission_import")
    preview = client.post(url, {"period": demo.period.pk, "status": "submitted", "file": file})
    client.post(url, {"token": preview.context["token"]})
    saved = Submission.objects.get(agency__code="DINKES", item__code=PERCENT)
    assert (saved.numerator, saved.denominator) == (4120, 4500)


@pytest.mark.parametrize(("fmt", "name"), [("1", "nilai.csv"), ("0", "nilai.xlsx")])
def test_a_values_export_with_thousands_imports_again_unchanged(client, verifier, demo, fmt, name):
    make_submission(demo.period, "DINKES", PERCENT, numerator=Decimal("4120.5"), denominator=4500)
    make_submission(demo.period, "DLH", "II.11.a", count=1500)
    client.force_login(verifier)
    export = client.post(
        reverse("admin:indicators_submission_export"), {"format": fmt, "resource": "1"}
    )
    file = io.BytesIO(export.content)
    file.name = name
    preview = client.post(
        reverse("admin:indicators_submission_import"),
        {"period": demo.period.pk, "status": "submitted", "file": file},
    )
    plan = preview.context["plan"]
    assert (len(plan.new), len(plan.changed), len(plan.unchanged)) == (0, 0, 2)


def xlsx(*rows):
    book = openpyxl.Workbook()
    book.active.append(["agency", "item", "numerator", "denominator", "value", "note"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_number_cells_are_numbers_not_text(demo):
    rows = read_table(
        xlsx(
            ["DINKES", PERCENT, 4120.0, 4500, None, "angka"],
            ["DINKES", COUNT, None, None, 1500, None],
        ),
        "nilai.xlsx",
    )
    clean, errors = validate_rows(rows, period=demo.period)
    assert errors == []
    assert (clean[0].numerator, clean[0].denominator, clean[1].count) == (4120, 4500, 1500)


@pytest.mark.parametrize("cell", [0.125, 150.125])
def test_an_xlsx_number_with_three_decimals_is_refused_not_multiplied(demo, cell):
    rows = read_table(xlsx(["DINKES", PERCENT, cell, 200000, None, None]), "nilai.xlsx")
    _clean, errors = validate_rows(rows, period=demo.period)
    assert [(e.column, e.message) for e in errors] == [
        ("numerator", "paling banyak 2 angka di belakang koma (misalnya 12,75)")
    ]


def test_an_xlsx_text_cell_follows_the_text_rule(demo):
    rows = read_table(xlsx(["DINKES", PERCENT, "4.120", "4.500", None, None]), "nilai.xlsx")
    clean, _errors = validate_rows(rows, period=demo.period)
    assert (clean[0].numerator, clean[0].denominator) == (4120, 4500)


# ---- showing ---------------------------------------------------------------------------------


def test_every_page_shows_numbers_the_indonesian_way(client, operator, verifier, demo):
    stored = stored_percent(demo, "8102", "11334", operator)
    workflow.submission_submit(submission=stored, actor=operator, version=None)
    client.force_login(operator)
    shown = client.get(item_url()).content.decode()
    assert '<dd class="col-sm-9 answer-value">8.102 / 11.334 (71,48%)</dd>' in shown
    client.force_login(verifier)
    listing = client.get(reverse("admin:indicators_submission_changelist")).content.decode()
    change = reverse("admin:indicators_submission_change", args=[stored.pk])
    page = client.get(change).content.decode()
    assert "8.102 / 11.334 (71,48%)" in listing
    assert "8.102 / 11.334 (71,48%)" in page and "71,48%" in page


def test_an_english_page_shows_english_separators(client, operator, demo):
    stored = stored_percent(demo, "8102", "11334.5", operator)
    client.force_login(operator)
    choose_english(client)
    page = client.get(item_url()).content.decode()
    # Its inputs hold the plain form, which the rule reads back (1,500 it would refuse).
    assert 'value="8102"' in page and 'value="11334.5"' in page
    assert 'aria-live="polite">71.48%</output>' in page
    workflow.submission_submit(submission=stored, actor=operator, version=None)
    page = client.get(item_url()).content.decode()
    assert '<dd class="col-sm-9 answer-value">8,102 / 11,334.5 (71.48%)</dd>' in page


def test_last_years_value_is_shown_the_indonesian_way(client, demo_with_values):
    previous = Submission.objects.get(
        agency__code="DINKES", item__code=PERCENT, period__locked=True
    )
    Submission.objects.filter(pk=previous.pk).update(numerator=1500, denominator=2000)
    client.force_login(get_user_model().objects.get(username="operator.dinkes"))
    page = client.get(item_url()).content.decode()
    assert "1.500 / 2.000 (75,00%)" in page


def test_the_dashboard_groups_thousands_and_its_workbook_keeps_numbers(
    client, demo_with_values, gugus_tugas
):
    client.force_login(gugus_tugas)
    page = client.get(reverse("indicators:dashboard")).content.decode()
    data = dashboard_data(demo_with_values.period)
    with translation.override("id"):
        assert format_number(data.verified.total, 2) in page
    book = openpyxl.load_workbook(io.BytesIO(dashboard_xlsx(data)))
    total = book["Ringkasan"]["B2"]
    assert isinstance(total.value, float) and total.number_format == "#,##0.00"


@pytest.mark.parametrize("typed", ["2.125", "1.500", "12.345"])
def test_one_dot_and_three_digits_is_refused_in_english_and_a_thousands_group_in_indonesian(
    typed,
):
    # An English reader means 2.125 by "2.125": never store it as 2125 without a word.
    with translation.override("en"), pytest.raises(ValueError, match="write 1500"):
        parse_number(typed)
    with translation.override("id"):
        assert parse_number(typed) == Decimal(typed.replace(".", ""))
    with translation.override("en"):
        assert parse_number("1.500.000") == Decimal("1500000")  # no English reading
        assert parse_number("2.12") == Decimal("2.12")

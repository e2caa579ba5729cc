"""Fuzzing the importer: whatever a file holds, the answer is an import or a row-by-row refusal."""

import csv
import io
import math
import re
import time
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from clusters.models import Item
from indicators.exports.cells import neutralise, unneutralise
from indicators.models import Submission
from indicators.services.importing import HEADER, ImportRejected, read_table, values_import

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Real codes, so that many rows get past the lookups and reach the number parsing.
AGENCIES = ["DLH", "DISDIK", "DP3AKB", "DINKES", "dlh", " DLH ", "XXX"]
ITEMS = ["II.11.a", "IV.19.a", "K.2.a", "III.12.a", "ii.11.a", "Z.9.z"]
HOSTILE = [
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "-inf",
    "-0",
    "-0.0",
    "+0",
    "0",
    "1e3",
    "1e309",
    "1E-400",
    "٣",
    "３",
    "１２",
    "٣٠",
    "１.５",
    "0x10",
    "1_000",
    "9" * 40,
    "-1",
    "1,5",
    "1.005",
    " 12 ",
    "12\u00a0000",
    "ya",
    "tidak",
    "YES",
    "",
    "\x00",
    "1\x00",
    "=1+1",
    "١٢٣",
    "½",
    "²",
    "Ⅻ",
    "🙂",
    "\u202e12",
    "1" * 5000,
    "0.00",
    "999999999999.99",
    "1000000000000",
]
cell = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
)
row = st.tuples(
    st.one_of(st.sampled_from(AGENCIES), st.text(max_size=10)),
    st.one_of(st.sampled_from(ITEMS), st.text(max_size=10)),
    cell,
    cell,
    cell,
    st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE)),
)
rows = st.lists(row, min_size=1, max_size=5)


def outcome(content: bytes, filename: str, period):
    """Import for real; an ImportRejected must name rows and columns; anything else fails."""
    try:
        plan = values_import(content=content, filename=filename, period=period, status="submitted")
    except ImportRejected as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.row >= 1 and error.message
            assert error.column is None or error.column in HEADER
            assert str(error).startswith(f"baris {error.row}")
        return None
    for clean in plan.new + [r for r, _ in plan.changed]:
        stored = Submission.objects.get(agency=clean.agency, item=clean.item, period=period)
        assert (stored.answer_yes, stored.numerator, stored.denominator, stored.count) == (
            clean.answer_yes,
            clean.numerator,
            clean.denominator,
            clean.count,
        )
        assert stored.narrative == clean.narrative
    return plan


def as_csv(table, delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([HEADER, *table])
    return buffer.getvalue().encode("utf-8")


def xlsx_value(text):
    """The cell as a spreadsheet would hold it: a number when it reads as one, else text."""
    try:
        number = float(text)
    except ValueError:
        return ILLEGAL_CHARACTERS_RE.sub("", text)
    if math.isfinite(number) and number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number if math.isfinite(number) else text


def as_xlsx(table) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    for cells in table:
        sheet.append([xlsx_value(c) for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(table=rows, delimiter=st.sampled_from([",", ";"]))
def test_any_csv_is_imported_or_refused_with_row_messages(demo, table, delimiter):
    outcome(as_csv(table, delimiter), "nilai.csv", demo.period)


@FUZZ
@given(table=rows)
def test_any_xlsx_is_imported_or_refused_with_row_messages(demo, table):
    outcome(as_xlsx(table), "nilai.xlsx", demo.period)


@FUZZ
@given(table=rows, delimiter=st.sampled_from([",", ";"]))
def test_hand_written_csv_without_quoting_is_imported_or_refused(demo, table, delimiter):
    # As a text editor would save it: no quoting, so stray quotes and line breaks reach the reader.
    lines = [delimiter.join(HEADER)] + [delimiter.join(cells) for cells in table]
    outcome("\n".join(lines).encode("utf-8", "surrogatepass"), "nilai.csv", demo.period)


VALID = [
    ("DLH", "II.11.a", "", "", "4"),
    ("DISDIK", "IV.19.a", "190", "200", ""),
    ("DP3AKB", "K.2.a", "", "", "ya"),
]


@FUZZ
@given(
    notes=st.lists(
        st.one_of(st.text(), st.sampled_from(HOSTILE), st.text(min_size=1).map(lambda t: t * 50)),
        min_size=3,
        max_size=3,
    ),
    xlsx=st.booleans(),
)
def test_valid_values_with_any_note_are_stored_or_refused(demo, notes, xlsx):
    table = [(*cells, note) for cells, note in zip(VALID, notes, strict=True)]
    content = as_xlsx(table) if xlsx else as_csv(table)
    outcome(content, "nilai.xlsx" if xlsx else "nilai.csv", demo.period)


@pytest.mark.parametrize(
    ("content", "row", "column"),
    [
        # csv.Error escaped: a cell over the csv module's field limit.
        (",".join(HEADER) + "\nDLH,II.11.a,,,4," + "x" * 200_000 + "\n", 2, None),
        # PostgreSQL refuses NUL in text: the note used to reach the database.
        (",".join(HEADER) + "\nDLH,II.11.a,,,4,a\x00b\n", 2, "note"),
    ],
    ids=["huge-cell", "nul-in-note"],
)
def test_found_by_fuzzing_refused_with_row_and_column(demo, content, row, column):
    with pytest.raises(ImportRejected) as refused:
        values_import(
            content=content.encode(), filename="n.csv", period=demo.period, status="submitted"
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [(row, column)]


def test_bare_carriage_returns_and_semicolons_in_notes_still_import(demo):
    content = (",".join(HEADER) + "\r\nDLH,II.11.a,,,4,a;b;c;d;e;f;g;h;i;j;k;l;m;n\r\n").encode()
    plan = values_import(content=content, filename="n.csv", period=demo.period, status="submitted")
    assert len(plan.new) == 1
    assert Submission.objects.get(item__code="II.11.a").narrative == "a;b;c;d;e;f;g;h;i;j;k;l;m;n"


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: (",".join(HEADER) + "\n" + t).encode()),
    ),
    filename=st.sampled_from(["nilai.csv", "nilai.xlsx", "nilai", "nilai.txt"]),
)
def test_arbitrary_bytes_never_escape_as_an_unexpected_error(demo, content, filename):
    outcome(content, filename, demo.period)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "bukan angka"),
        ("Infinity", "bukan angka"),
        ("٣", "bukan angka"),
        ("３", "bukan angka"),
        ("1e3", "bukan angka"),
        ("1000000000000", "terlalu besar"),
        ("-1", "negatif"),
        ("2.5", "bulat"),
    ],
)
def test_hostile_counts_are_refused_with_a_reason(demo, value, message):
    content = as_csv([("DLH", "II.11.a", "", "", value, "")])
    with pytest.raises(ImportRejected) as refused:
        values_import(content=content, filename="n.csv", period=demo.period, status="submitted")
    (error,) = refused.value.errors
    assert (error.row, error.column) == (2, "value") and message in error.message


def test_negative_zero_is_stored_as_zero(demo):
    content = as_csv(
        [("DLH", "II.11.a", "", "", "-0", ""), ("DISDIK", "IV.19.a", "-0", "5", "", "")]
    )
    values_import(content=content, filename="n.csv", period=demo.period, status="submitted")
    assert Submission.objects.get(item__code="II.11.a").count == 0
    assert Submission.objects.get(item__code="IV.19.a").numerator == Decimal(0)


def test_kinds_of_the_fuzzed_items_cover_every_column(framework):
    kinds = set(Item.objects.filter(code__in=ITEMS).values_list("kind", flat=True))
    assert kinds == {Item.Kind.CHECK, Item.Kind.PERCENT, Item.Kind.COUNT}


# ---- XLSX dimension bombs --------------------------------------------------------------------


def dimension_bomb(ref: str, *far: str, rows=()) -> bytes:
    """A tiny workbook whose sheet declares `ref` and holds a cell at each `far` reference.

    Built as a spreadsheet program would not: the header (and `rows`) written with openpyxl,
    then `<dimension ref=...>` and the far cells put into sheet1.xml by hand.
    """
    book = openpyxl.Workbook()
    for cells in [HEADER, *rows]:
        book.active.append(list(cells))
    plain = io.BytesIO()
    book.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', data.decode())
                for reference in far:
                    text = _with_far_cell(text, reference)
                data = text.encode()
            out.writestr(info, data)
    return bomb.getvalue()


def _with_far_cell(sheet_xml: str, far: str) -> str:
    number = re.sub(r"\D", "", far)
    cell = f'<c r="{far}" t="inlineStr"><is><t>x</t></is></c>'
    row = re.compile(f'(<row r="{number}"[^>]*>.*?)(</row>)', re.S)
    if row.search(sheet_xml):  # the far cell ends a row that is there
        return row.sub(lambda m: m[1] + cell + m[2], sheet_xml, count=1)
    return sheet_xml.replace("</sheetData>", f'<row r="{number}">{cell}</row></sheetData>')


def peak_of(action):
    """What the action returns or raises, with its peak traced memory in MiB and its seconds."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = action()
    except ImportRejected as exc:
        result = exc
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, peak, seconds


def test_a_declared_dimension_of_every_column_reads_only_the_headers_columns():
    # 5,000 rows x 16,384 declared columns: 680 MB and 3.6 s before; the 50,000 rows
    # took 6.3 GB and 60 s. Now only the six header columns are read.
    content = dimension_bomb("A1:XFD5001", "XFD5001")
    assert len(content) < 6000
    rows, peak, seconds = peak_of(lambda: read_table(content, "bom.xlsx"))
    # Memory, not time, proves the padding is gone: time on a loaded machine proves nothing.
    assert rows == [] and peak < 20, (peak, seconds)


def test_a_header_reaching_the_last_column_is_refused_before_its_rows_are_read():
    # Before: every row padded to 16,384 columns again (680 MB here, 6 GB at 50,000 rows).
    content = dimension_bomb("A1:XFD5001", "XFD1", "A5001")
    refused, peak, seconds = peak_of(lambda: read_table(content, "bom.xlsx"))
    assert isinstance(refused, ImportRejected), refused
    assert "lembar kerja terlalu besar: 5001 baris x 16384 kolom" in str(refused)
    assert peak < 20, (peak, seconds)


def test_an_over_wide_dimension_with_real_rows_still_imports(demo):
    content = dimension_bomb("A1:XFD3", "XFD3", rows=[("DLH", "II.11.a", None, None, 4, "Taman")])
    plan = values_import(content=content, filename="n.xlsx", period=demo.period, status="submitted")
    assert len(plan.new) == 1
    assert Submission.objects.get().narrative == "Taman"


@FUZZ
@given(text=st.one_of(st.text(), st.sampled_from(HOSTILE)).map(lambda t: "'" * (len(t) % 3) + t))
def test_unneutralise_is_the_exact_inverse_of_neutralise(text):
    assert unneutralise(neutralise(text)) == text

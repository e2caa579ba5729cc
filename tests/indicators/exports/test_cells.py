"""The one formula neutraliser: what it quotes, what it leaves, and its exact inverse."""

from decimal import Decimal

import pytest

from indicators.exports.cells import neutralise, sheet_cell, unneutralise


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\t=1"])
def test_formula_starts_are_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("aman =1") == "aman =1" and neutralise(5) == 5


@pytest.mark.parametrize(
    "text", ["=1", "'=1", "''+1", "-", "'", "'abc", "abc", "", "\t=1", "'\r", "@", "x=1"]
)
def test_unneutralise_undoes_exactly_what_neutralise_did(text):
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Dinkes", "Dinkes"),
        (-3, -3),
        (Decimal("12.50"), 12.5),
    ],
)
def test_a_sheet_cell_neutralises_formulas_and_keeps_numbers(value, expected):
    assert sheet_cell(value) == expected

"""The one spreadsheet-formula neutraliser, its exact inverse, and cells for hand-built sheets.

Every file the portal hands out passes text cells through `neutralise`; both importers pass
what they read through `unneutralise`, so an unedited export imports as no change.
"""

from decimal import Decimal

from django.utils.functional import Promise

# What a spreadsheet would start a formula (or a DDE command) with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula, prefixed with a quote.

    Text that already has quotes before a formula start gets one more, so that `unneutralise`
    can undo exactly this and nothing else.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The inverse of `neutralise`: the importers read an exported cell back as it was stored.

    Only a quote that `neutralise` would have added goes; a note that merely starts with a
    quote (`'Sesuai SK`) keeps it.
    """
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def sheet_value(value):
    """A value for an openpyxl cell whose text is already neutralised (a resource's export)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        value = str(value)
    return value


def sheet_cell(value):
    """A value for an openpyxl cell: numbers stay numbers, lazy text is text, text is safe."""
    return neutralise(sheet_value(value))

"""Reading and showing answers: the one number rule of the portal.

The operator form, both importers (`import_values` and the admin import) and, in JavaScript,
the live percentage preview (static/js/workspace.js) read numbers by this rule; everything
that shows a number formats it with `format_number`, so what is shown reads back the same.

Indonesians write one thousand five hundred as 1.500 and one and a half as 1,5 (Django's `id`
formats: decimal ",", thousands "."); spreadsheets and English habits give 1500 and 12.5. A
number is read as one of two forms, and anything that fits neither, or could be meant two ways,
is refused with an example instead of guessed. Spaces are ignored ("1 500" is 1500).

=================  ========  ==================================================================
typed              read as   why
=================  ========  ==================================================================
``1500``           1500      plain digits
``1.500``          1500      Indonesian: a dot followed by groups of exactly three digits
``1.500.000``      1500000   Indonesian grouping
``1.500,25``       1500.25   Indonesian grouping and decimal comma
``12,5``           12.5      Indonesian decimal comma
``0,125``          refused   more than 2 decimals
``12.5``           12.5      plain: a dot not followed by a group of three is a decimal point
``0.75``           0.75      plain decimal point
``0.750``          0.75      plain: a group of three cannot follow a leading 0
``1500.25``        1500.25   plain decimal point (no valid grouping before it)
``1,500``          refused   could be English one thousand five hundred or Indonesian 1,5
``1,500,000``      refused   English grouping
``1,234.5``        refused   English grouping with a decimal point
``2.125``          refused   in the English interface only: English readers mean 2.125 by it
``1.50.0``         refused   dots that are neither grouping nor a decimal point
``1.5,25``         refused   mixed forms
``12,`` ``,5``     refused   a decimal mark needs digits on both sides
``-3``             refused   not negative
``1e3`` ``٣``      refused   only the digits 0-9
=================  ========  ==================================================================

Numbers are never negative, have at most 2 decimals and stay below `MAX_NUMBER`. A spreadsheet
cell stored as a number (`SpreadsheetNumber`) is a number already and never goes through the
text rule: 0.125 in an XLSX cell is refused for its decimals, not read as 125.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.utils import formats, translation
from django.utils.translation import gettext as _

from clusters.models import Item

MAX_NUMBER = Decimal("999999999999.99")
YES = {"1", "ya", "y", "yes", "true", "benar"}
NO = {"0", "tidak", "t", "no", "false", "salah"}
USED = {
    Item.Kind.CHECK: {"value"},
    Item.Kind.PERCENT: {"numerator", "denominator"},
    Item.Kind.COUNT: {"value"},
}

_DECIMAL = re.escape(formats.get_format("DECIMAL_SEPARATOR", "id"))  # ","
_THOUSANDS = re.escape(formats.get_format("THOUSAND_SEPARATOR", "id"))  # "."
_GROUPED = rf"[1-9][0-9]{{0,2}}(?:{_THOUSANDS}[0-9]{{3}})+"
GROUPED = re.compile(rf"^{_GROUPED}$")
INDONESIAN = re.compile(rf"^(?:{_GROUPED}(?:{_DECIMAL}[0-9]+)?|[0-9]+{_DECIMAL}[0-9]+)$")
PLAIN = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
# Read as English (comma grouping) these mean something else than read as Indonesian.
AMBIGUOUS = re.compile(r"^[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?$")
# One dot and three digits: a thousands group to an Indonesian reader, three decimals to an
# English one. Read the Indonesian way only when the interface is Indonesian.
ONE_GROUP = re.compile(rf"^[1-9][0-9]{{0,2}}{_THOUSANDS}[0-9]{{3}}$")
SPACES = re.compile(r"[\s\u00a0\u202f]")


class SpreadsheetNumber(str):
    """A cell a spreadsheet stored as a number: its text for messages, `number` for reading."""

    def __new__(cls, number: int | float | Decimal):
        # 15 significant digits is what a spreadsheet shows and keeps: 0.1 + 0.2 is 0.3 there.
        text = format(number, ".15g") if isinstance(number, float) else str(number)
        self = super().__new__(cls, text)
        self.number = Decimal(text)
        return self


class AnswerError(NamedTuple):
    column: str
    message: str


def how_to_write() -> str:
    return _("tulis 1.500 untuk seribu lima ratus, atau 1,5 untuk satu setengah")


def parse_number(text: str) -> Decimal:
    """A typed or imported number read by the rule above; ValueError says how to write it."""
    if isinstance(text, SpreadsheetNumber):
        return _within_limits(text.number)
    text = SPACES.sub("", text)
    sign, body = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    english = (translation.get_language() or "").startswith("en")
    if AMBIGUOUS.match(body) or (english and ONE_GROUP.match(body)):
        raise ValueError(
            _("'%(text)s' dapat dibaca dua cara: %(how)s") % {"text": text, "how": how_to_write()}
        )
    if PLAIN.match(body) and not GROUPED.match(body):
        value = Decimal(body)
    elif INDONESIAN.match(body):
        with translation.override("id"):
            value = Decimal(_sanitize(body))
    else:
        raise ValueError(
            _("'%(text)s' bukan angka: %(how)s") % {"text": text, "how": how_to_write()}
        )
    if sign == "-" and value:
        raise ValueError(_("tidak boleh negatif"))
    return _within_limits(value)


def _sanitize(body: str) -> str:
    # Django's reading of an `id` number turns the decimal comma into a point. The thousands
    # dots go first: Django drops them only with USE_THOUSAND_SEPARATOR on, and then guesses
    # what a single dot means, where the rule above has already decided.
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    whole, _sep, fraction = body.partition(decimal)
    whole = whole.replace(formats.get_format("THOUSAND_SEPARATOR"), "")
    return formats.sanitize_separators(f"{whole}{decimal}{fraction}" if fraction else whole)


def _within_limits(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError(
            _("'%(text)s' bukan angka: %(how)s") % {"text": value, "how": how_to_write()}
        )
    if value < 0:
        raise ValueError(_("tidak boleh negatif"))
    if value > MAX_NUMBER:
        raise ValueError(_("angka terlalu besar"))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("paling banyak 2 angka di belakang koma (misalnya 12,75)"))
    return value


def parse_yes_no(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError(
        _("'%(text)s' bukan ya/tidak (gunakan ya/tidak, 1/0, yes/no, true/false)") % {"text": text}
    )


def parse_count(text: str) -> int:
    try:
        value = parse_number(text)
    except ValueError as exc:
        raise ValueError(
            _("jumlah harus bilangan bulat ≥ 0: %(reason)s") % {"reason": exc}
        ) from None
    if value != value.to_integral_value():
        raise ValueError(_("jumlah harus bilangan bulat (tanpa pecahan)"))
    return int(value)


def clean_answer(item: Item, row: dict) -> tuple[dict, list[AnswerError]]:
    """An answer's columns (numerator, denominator, value) checked and read for the item's kind.

    The operator form and both importers use it, so a rule reads the same everywhere.
    """
    errors = [
        AnswerError(
            column,
            _("kolom ini tidak dipakai butir %(item)s (%(kind)s)")
            % {"item": item.code, "kind": item.get_kind_display()},
        )
        for column in ("numerator", "denominator", "value")
        if row.get(column) and column not in USED[item.kind]
    ]
    errors += [
        AnswerError(column, _("wajib diisi untuk butir %(item)s") % {"item": item.code})
        for column in sorted(USED[item.kind])
        if not row.get(column)
    ]
    if errors:
        return {}, errors
    cleaned = {}
    readers = {
        Item.Kind.CHECK: {"value": ("answer_yes", parse_yes_no)},
        Item.Kind.COUNT: {"value": ("count", parse_count)},
        Item.Kind.PERCENT: {
            "numerator": ("numerator", parse_number),
            "denominator": ("denominator", parse_number),
        },
    }[item.kind]
    for column, (name, read) in readers.items():
        try:
            cleaned[name] = read(row[column])
        except ValueError as exc:
            errors.append(AnswerError(column, str(exc)))
    if item.kind == Item.Kind.PERCENT and not errors:
        if cleaned["denominator"] <= 0:
            errors.append(AnswerError("denominator", _("penyebut harus lebih dari 0")))
        elif cleaned["numerator"] > cleaned["denominator"]:
            errors.append(
                AnswerError("numerator", _("pembilang tidak boleh lebih besar dari penyebut"))
            )
    return cleaned, errors


# ---- showing ---------------------------------------------------------------------------------


def format_number(value, decimals: int | None = None) -> str:
    """A number the way the active language writes it: 8.102 or 71,48 in Indonesian.

    `decimals` None shows as many as the number has (1.500,5); otherwise rounds half up.
    """
    value = Decimal(value) if not isinstance(value, Decimal) else value
    if decimals is None:
        exponent = value.normalize().as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    else:
        # Django's number_format cuts extra decimals off; a shown number is rounded.
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def format_size(size: int | None) -> str:
    """A file size as people read it: 595 B, 12,5 KB, 1,2 MB (never Django's "bita")."""
    if size is None:
        return "—"
    if size < 1024:
        return f"{format_number(size)} B"
    if size < 1024 * 1024:
        return f"{format_number(Decimal(size) / 1024, 1)} KB"
    return f"{format_number(Decimal(size) / (1024 * 1024), 1)} MB"


def format_percent(value) -> str:
    return f"{format_number(value, 2)}%"


def number_input(value) -> str:
    """A stored number as a form shows it to be edited; it reads back as the same number.

    Indonesian pages show 1.500,25; other languages the plain form 1500.25, never 1,500.25
    (which the rule refuses).
    """
    if value is None:
        return ""
    if translation.get_language() == "id":
        return format_number(value)
    return f"{Decimal(value).normalize():f}"


def format_answer(submission) -> str:
    """The answer as a person reads it: Ya/Tidak, 8.102 / 11.334 (71,48%), or a count."""
    kind = submission.item.kind
    if not submission.has_value:
        return "—"
    if kind == Item.Kind.CHECK:
        return str(_("Ya")) if submission.answer_yes else str(_("Tidak"))
    if kind == Item.Kind.PERCENT:
        numerator, denominator = submission.numerator, submission.denominator
        percent = format_percent(submission.percentage)
        return f"{format_number(numerator)} / {format_number(denominator)} ({percent})"
    return format_number(submission.count)

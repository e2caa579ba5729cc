"""The live percentage preview reads numbers by the server's rule, so the two cannot drift.

Each input is typed as the numerator over a denominator of 100: the preview then shows the
number itself as a percentage, which is compared with what indicators.answers says.
"""

import pytest
from django.utils import translation

from indicators.answers import format_percent, parse_number
from tests.indicators.test_numbers import ACCEPTED, REFUSED

pytestmark = pytest.mark.django_db(transaction=True)

TYPED = [typed for typed, _value in ACCEPTED + REFUSED] + [
    "100",
    "99,99",
    "1.000",
    "0",
    "00,5",
    "+5",
    "-0",
    " 12 ",
    "1,5",
    "1.5",
    "1.5000",
    "12.345,678",
    "999.999.999.999,99",
    "1.000.000.000.000",
    ",5",
    ".5",
    "abc",
    "٣",
    "1_000",
]


def server_preview(typed, over_label):
    """What the preview must show for `typed` over 100, by the server's own parser."""
    # In the page's language: the rule reads 2.125 differently in English.
    with translation.override("id"):
        try:
            value = parse_number(typed)
        except ValueError:
            return "—"
        return format_percent(value) + (f" {over_label}" if value > 100 else "")


def test_the_preview_reads_every_number_as_the_server_does(page, login, demo):
    login(page, "operator.dinkes")
    page.goto("/items/III.13.a/?agency=DINKES")
    output = page.locator("#percent-output")
    over_label = output.get_attribute("data-over-label")
    page.get_by_label("Penyebut").fill("100")
    shown = {}
    for typed in TYPED:
        page.get_by_label("Pembilang").fill(typed)
        shown[typed] = output.inner_text()
    assert shown == {typed: server_preview(typed, over_label) for typed in TYPED}
    assert shown["1.500"] == "1.500,00% (pembilang > penyebut)"
    assert shown["1,500"] == "—"

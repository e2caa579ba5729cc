"""The `feeds` rules of the reference files: which item a register of places answers, and how.

A rule is `ITEM:MEASURE[:LEVEL]`, several separated by `|` (shared/kla/README.md). This is the
one parser of them; the models keep the text as loaded, so an edited rule is checked here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MEASURES = ("exists", "count", "share", "share_kelurahan", "share_kecamatan")


@dataclass(frozen=True)
class FeedRule:
    item_code: str
    measure: str
    level: str = ""


def feed_rules(text: str) -> list[FeedRule]:
    """The rules of one `feeds` cell; a malformed rule is a ValidationError naming it."""
    rules = []
    for part in (text or "").split("|"):
        part = part.strip()
        if not part:
            continue
        pieces = [piece.strip() for piece in part.split(":")]
        if len(pieces) not in (2, 3) or not pieces[0] or pieces[1] not in MEASURES:
            raise ValidationError(
                _(
                    "Aturan feeds '%(rule)s' tidak dikenali: tulis KODE_BUTIR:UKURAN[:JENJANG], "
                    "UKURAN salah satu dari %(measures)s."
                )
                % {"rule": part, "measures": ", ".join(MEASURES)}
            )
        rules.append(FeedRule(pieces[0], pieces[1], pieces[2] if len(pieces) == 3 else ""))
    return rules

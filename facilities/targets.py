"""The city's targets for its places, as data: what the coverage page measures gaps against.

Balikpapan's programmes (issue 14): "Satu Taman, Satu Kecamatan" (a child-friendly park in each
kecamatan), and a Forum Anak and a PATBM in every kelurahan. A region may set its own in the
`FACILITY_TARGETS` setting, a list of the same three-part tuples; these are the default.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Target:
    """At least one open place of `type_code` (of `level`, if given) in every `per` area."""

    type_code: str
    per: str  # "kecamatan" or "kelurahan"
    level: str = ""
    label: str = ""


DEFAULT_TARGETS = (
    ("RUANG_BERMAIN", "kecamatan", ""),
    ("FORUM_ANAK", "kelurahan", "kelurahan"),
    ("PATBM", "kelurahan", ""),
)
LABELS = {
    "RUANG_BERMAIN": _("Taman per kecamatan"),
    "FORUM_ANAK": _("Forum Anak per kelurahan"),
    "PATBM": _("PATBM per kelurahan"),
}


def city_targets() -> list[Target]:
    rows = getattr(settings, "FACILITY_TARGETS", None) or DEFAULT_TARGETS
    return [Target(code, per, level, LABELS.get(code, code)) for code, per, level in rows]

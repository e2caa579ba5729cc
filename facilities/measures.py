"""The `feeds` measures over plain values: what the register says an item's value is.

Pure Python (no ORM): `facilities/selectors.py` loads the places open on the reference date and
the certificates held on it, and this module counts them by the rule of shared/kla/README.md:

| measure | value |
|---|---|
| `exists` | 1 when at least one place of the type (or holding the standard) exists, else 0 |
| `count` | the number of such places |
| `share` | 100 x places holding the standard / all places of the type (of the level, if any) |
| `share_kelurahan` | 100 x kelurahan with such a place (or the designation) / all kelurahan |
| `share_kecamatan` | the same over kecamatan |

A share whose denominator is zero has no value (as `kla_score` treats a 0/0 answer).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from clusters.scoring import round_half_up

# The kind of item each measure answers: its value goes into that kind's answer fields.
KIND_OF = {
    "exists": "check",
    "count": "count",
    "share": "percent",
    "share_kelurahan": "percent",
    "share_kecamatan": "percent",
}
# Measures whose value may be split by supplying agency: the parts add up to the whole.
SPLITTABLE = ("count", "share")


@dataclass(frozen=True)
class Place:
    """A place open on the reference date."""

    id: int
    name: str
    type_code: str
    level: str
    agency_id: int
    agency: str
    kelurahan_id: int
    kelurahan: str
    kecamatan_id: int
    kecamatan: str


@dataclass(frozen=True)
class Holding:
    """A certificate held on the reference date, of a place or (a designation) a kelurahan."""

    id: int
    standard: str
    facility_id: int | None
    kelurahan_id: int | None
    number: str
    granted_on: datetime.date | None
    valid_until: datetime.date | None


@dataclass(frozen=True)
class Area:
    """A kelurahan of the region, with its kecamatan."""

    id: int
    name: str
    kecamatan_id: int
    kecamatan: str


@dataclass(frozen=True)
class Source:
    """One rule with its subject: a facility type, or a standard (with its type, if any)."""

    item_code: str
    measure: str
    level: str
    type_code: str  # "" for a designation standard
    standard: str = ""  # "" when the rule is the type's own
    label: str = ""  # the type's or standard's name, for the sentence


@dataclass(frozen=True)
class Entry:
    """One line of the list behind a value: a place (with its certificate) or a kelurahan."""

    name: str
    kelurahan: str
    kecamatan: str
    level: str = ""
    agency: str = ""
    certificate_number: str = ""
    valid_until: datetime.date | None = None
    place_id: int | None = None
    holding_id: int | None = None

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "kelurahan": self.kelurahan,
            "kecamatan": self.kecamatan,
            "level": self.level,
            "agency": self.agency,
            "certificate_number": self.certificate_number,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


@dataclass
class Measured:
    """The register's value of one item (or of one agency's part of it) on a date."""

    source: Source
    reference_date: datetime.date
    numerator: int
    denominator: int | None = None
    entries: list[Entry] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.source.item_code

    @property
    def measure(self) -> str:
        return self.source.measure

    @property
    def kind(self) -> str:
        return KIND_OF[self.measure]

    @property
    def value(self) -> Fraction | None:
        if self.kind == "percent":
            if not self.denominator:
                return None
            return 100 * Fraction(self.numerator, self.denominator)
        if self.kind == "check":
            return Fraction(int(self.numerator > 0))
        return Fraction(self.numerator)

    @property
    def listed(self) -> int:
        """How many places the register lists behind the value: for a share of places all the
        places of the type (the list shows which hold the standard), else the entries."""
        if self.measure == "share":
            return self.denominator or 0
        return len(self.entries)

    @property
    def printed(self) -> float | None:
        """The value as `kla_score` prints an item's value (rounded half up to 2 places)."""
        value = self.value
        return None if value is None else float(round_half_up(value))

    @property
    def answer(self) -> dict | None:
        """The submission's answer fields this value fills, or None when it has no value."""
        if self.value is None:
            return None
        blank = {"answer_yes": None, "numerator": None, "denominator": None, "count": None}
        if self.kind == "check":
            return {**blank, "answer_yes": self.numerator > 0}
        if self.kind == "count":
            return {**blank, "count": self.numerator}
        return {
            **blank,
            "numerator": Decimal(self.numerator),
            "denominator": Decimal(self.denominator),
        }

    @property
    def fingerprint(self) -> str:
        """Changes whenever a place, a certificate or a total behind the value changes."""
        body = {
            "rule": [self.source.item_code, self.source.measure, self.source.level],
            "date": self.reference_date.isoformat(),
            "n": self.numerator,
            "d": self.denominator,
            "entries": sorted(
                [
                    e.place_id or 0,
                    e.holding_id or 0,
                    e.name,
                    e.kelurahan,
                    e.certificate_number,
                    e.valid_until.isoformat() if e.valid_until else "",
                ]
                for e in self.entries
            ),
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _entry(place: Place, holding: Holding | None = None) -> Entry:
    return Entry(
        place.name,
        place.kelurahan,
        place.kecamatan,
        place.level,
        place.agency,
        holding.number if holding else "",
        holding.valid_until if holding else None,
        place.id,
        holding.id if holding else None,
    )


def measure(
    source: Source,
    reference_date: datetime.date,
    places: list[Place],
    holdings: list[Holding],
    areas: list[Area],
    kecamatan_count: int,
) -> Measured:
    """The value of one rule over the region's open places and held certificates."""
    typed = [
        p
        for p in places
        if source.type_code
        and p.type_code == source.type_code
        and (not source.level or p.level == source.level)
    ]
    entries: list[Entry] = []
    used: list[Holding] = []
    areas_by_id = {a.id: a for a in areas}
    kelurahan_ids: set[int] = set()
    if source.standard:
        mine = [h for h in holdings if h.standard == source.standard]
        by_place: dict[int, Holding] = {}
        for h in sorted(mine, key=lambda h: (h.valid_until is None, h.valid_until or 0, h.id)):
            if h.facility_id is not None:
                by_place.setdefault(h.facility_id, h)  # the first to lapse last, shown once
        subjects = [p for p in typed if p.id in by_place]
        for p in subjects:
            entries.append(_entry(p, by_place[p.id]))
            used.append(by_place[p.id])
            kelurahan_ids.add(p.kelurahan_id)
        if not source.type_code:  # a designation: the kelurahan itself holds it
            for h in mine:
                area = areas_by_id.get(h.kelurahan_id)
                if area is None or area.id in kelurahan_ids:
                    continue
                kelurahan_ids.add(area.id)
                used.append(h)
                entries.append(
                    Entry(
                        area.name,
                        area.name,
                        area.kecamatan,
                        certificate_number=h.number,
                        valid_until=h.valid_until,
                        holding_id=h.id,
                    )
                )
        counted = len(subjects) if source.type_code else len(kelurahan_ids)
    else:
        subjects = typed
        entries = [_entry(p) for p in subjects]
        kelurahan_ids = {p.kelurahan_id for p in subjects}
        counted = len(subjects)
    entries.sort(key=lambda e: (e.kecamatan, e.kelurahan, e.name.lower(), e.place_id or 0))
    numerator, denominator = counted, None
    if source.measure == "exists":
        numerator = int(counted > 0)
    elif source.measure == "share":
        denominator = len(typed)
    elif source.measure == "share_kelurahan":
        numerator = len(kelurahan_ids & set(areas_by_id))
        denominator = len(areas)
    elif source.measure == "share_kecamatan":
        numerator = len({areas_by_id[k].kecamatan_id for k in kelurahan_ids if k in areas_by_id})
        denominator = kecamatan_count
    return Measured(source, reference_date, numerator, denominator, entries, used)


def agency_part(
    places: list[Place], agency_id: int, assigned: list[int], measure_name: str
) -> list[Place]:
    """The places an agency answers for when an item is shared by several agencies.

    Each assigned agency takes the places it supplies; places supplied by an agency that is not
    assigned the item go to the first assigned agency (by id), so the parts add up to the whole.
    Kelurahan and kecamatan shares and `exists` are not split: each agency takes the whole, and
    the scoring core's sum of numerators over the sum of denominators (or "any yes") is the same.
    """
    if measure_name not in SPLITTABLE or len(assigned) < 2 or agency_id not in assigned:
        return places
    first = min(assigned)
    return [
        p
        for p in places
        if p.agency_id == agency_id or (agency_id == first and p.agency_id not in assigned)
    ]

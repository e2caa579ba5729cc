"""Reads of the register: which certificates hold on a day, which places are open, and the
value of every item the register feeds (`measures.py` counts; this module loads)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.models import Item
from clusters.scoring import round_half_up
from facilities import measures
from facilities.feeds import feed_rules
from facilities.models import Certification, Facility, FacilityType, Standard
from indicators.answers import format_number
from indicators.models import Agency, Assignment, Kecamatan, Kelurahan
from kla_portal import versions


def holding_on(day: datetime.date, prefix: str = "") -> Q:
    """Certifications granted on or before `day` and still valid on it (the end date counts).

    `prefix` reaches them from another model, e.g. `certifications__`.
    """
    return Q(
        **{
            f"{prefix}stage": Certification.Stage.GRANTED,
            f"{prefix}granted_on__lte": day,
        }
    ) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))


# ---- the items the register feeds ------------------------------------------------------------


def open_on(day: datetime.date, prefix: str = "") -> Q:
    """Places open on `day`: not closed on or before it, and not closed without a date.

    A place marked inactive with a closing date after `day` was still open on it.
    """
    closed_by_then = Q(**{f"{prefix}closed_on__lte": day})
    closed_undated = Q(**{f"{prefix}active": False, f"{prefix}closed_on__isnull": True})
    return ~closed_by_then & ~closed_undated


def feed_sources() -> list[measures.Source]:
    """Every rule of the reference data with its subject: two queries, then from the cache
    until the next write to facility types or standards (`kla_portal.versions`: saves and bulk
    updates alike). A malformed rule (edited by hand) feeds nothing rather than breaking every
    page.
    """
    return versions.remember("facilities:feed-sources", (), _feed_sources, FacilityType, Standard)


def _feed_sources() -> list[measures.Source]:
    sources = []
    rows = [
        (code, "", name, feeds)
        for code, name, feeds in FacilityType.objects.exclude(feeds="")
        .order_by("code")
        .values_list("code", "name", "feeds")
    ] + [
        (type_code or "", code, code, feeds)
        for code, type_code, feeds in Standard.objects.exclude(feeds="")
        .order_by("code")
        .values_list("code", "facility_type__code", "feeds")
    ]
    for type_code, standard, label, feeds in rows:
        try:
            rules = feed_rules(feeds)
        except ValidationError:
            continue
        for rule in rules:
            sources.append(
                measures.Source(
                    rule.item_code, rule.measure, rule.level, type_code, standard, label
                )
            )
    return sources


def sources_by_code() -> dict[str, measures.Source]:
    """Per item code, the first rule that feeds it."""
    by_code: dict[str, measures.Source] = {}
    for source in feed_sources():
        by_code.setdefault(source.item_code, source)
    return by_code


def source_of(code: str, kind: str, by_code=None) -> measures.Source | None:
    """The rule that feeds an item (its first one), if its measure suits the item's kind;
    `by_code` (from `sources_by_code`) spares a caller looping over items the lookups."""
    source = (sources_by_code() if by_code is None else by_code).get(code)
    return source if source and measures.KIND_OF[source.measure] == kind else None


@dataclass
class Register:
    """A region's register on a date, as plain values: open places, held certificates, areas."""

    region_id: int
    reference_date: datetime.date
    places: list[measures.Place]
    holdings: list[measures.Holding]
    areas: list[measures.Area]
    kecamatan_count: int

    def measure(self, source: measures.Source, places=None) -> measures.Measured:
        return measures.measure(
            source,
            self.reference_date,
            self.places if places is None else places,
            self.holdings,
            self.areas,
            self.kecamatan_count,
        )


def register_on(region_id: int, day: datetime.date) -> Register:
    """The region's register on `day`, in four queries whatever its size."""
    return registers_on([(region_id, day)])[(region_id, day)]


# What a register is read from: only writes to these tables read it again.
REGISTER_MODELS = (Facility, Certification, FacilityType, Standard, Kelurahan, Kecamatan, Agency)


def registers_on(wanted) -> dict[tuple[int, datetime.date], Register]:
    """Per (region id, day), the region's register on that day: for any number of regions and
    days in the same four queries (the province overview scores many regions at once), and
    from the shared cache until the next write to the register's tables (`kla_portal.versions`:
    the review queue, the item and review pages and the forecasts read it on every visit)."""
    wanted = sorted(set(wanted))
    if not wanted:
        return {}
    version = versions.current(*REGISTER_MODELS)
    if version is None:
        return _registers_on(wanted)
    keys = {w: f"register:{w[0]}:{w[1]:%Y%m%d}:{version}" for w in wanted}
    found = cache.get_many(list(keys.values()))
    result = {w: found[key] for w, key in keys.items() if key in found}
    if missing := [w for w in wanted if w not in result]:
        read = _registers_on(missing)
        cache.set_many({keys[w]: read[w] for w in missing}, timeout=settings.SCORE_CACHE_SECONDS)
        result |= read
    return result


def _registers_on(wanted) -> dict[tuple[int, datetime.date], Register]:
    regions = {region_id for region_id, _day in wanted}
    open_where = Q(pk__in=[])
    for region_id, day in wanted:
        open_where |= Q(region_id=region_id) & open_on(day)
    rows = (
        Facility.objects.filter(open_where)
        .order_by()
        .values_list(
            "region_id",
            "closed_on",
            "active",
            "pk",
            "name",
            "facility_type__code",
            "level",
            "agency_id",
            "agency__code",
            "kelurahan_id",
            "kelurahan__name",
            "kelurahan__kecamatan_id",
            "kelurahan__kecamatan__name",
        )
    )
    open_rows = list(rows)
    areas: dict[int, list] = {region_id: [] for region_id in regions}
    area_region = {}
    for region_id, *row in (
        Kelurahan.objects.filter(kecamatan__region_id__in=regions)
        .order_by("kecamatan__name", "name")
        .values_list("kecamatan__region_id", "pk", "name", "kecamatan_id", "kecamatan__name")
    ):
        areas[region_id].append(measures.Area(*row))
        area_region[row[0]] = region_id
    place_region = {row[3]: row[0] for row in open_rows}
    # The certificates by the ids of the places and kelurahan just read, not by joining through
    # facility and kelurahan to the region: an OR across two joins can use no index and scanned
    # every place of the country (16-28 ms a page at 514 regions); id lists are index scans.
    holds_any_day = Q(pk__in=[])
    for day in {day for _region_id, day in wanted}:
        holds_any_day |= holding_on(day)
    holding_rows = [
        (place_region.get(row[2]), area_region.get(row[3]) if row[2] is None else None, *row)
        for row in Certification.objects.filter(holds_any_day)
        .filter(
            Q(facility_id__in=list(place_region))
            | Q(facility__isnull=True, kelurahan_id__in=list(area_region))
        )
        .order_by()
        .values_list(
            "pk",
            "standard__code",
            "facility_id",
            "kelurahan_id",
            "certificate_number",
            "granted_on",
            "valid_until",
        )
    ]
    counts = dict(
        Kecamatan.objects.filter(region_id__in=regions)
        .order_by()
        .values("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    result = {}
    for region_id, day in wanted:
        # A place open on one day of the region may be closed on another: re-check per day.
        day_places = [
            measures.Place(*row[3:])
            for row in open_rows
            if row[0] == region_id and _open(row[1], row[2], day)
        ]
        open_ids = {p.id for p in day_places}
        day_holdings = [
            measures.Holding(*row[2:])
            for row in holding_rows
            if region_id in (row[0], row[1])
            and _holds(row[7], row[8], day)
            and (row[4] is None or row[4] in open_ids)
        ]
        result[(region_id, day)] = Register(
            region_id, day, day_places, day_holdings, areas[region_id], counts.get(region_id, 0)
        )
    return result


def _open(closed_on, active, day) -> bool:
    """`open_on` for one place already read: the same rule, in Python."""
    if closed_on is not None:
        return closed_on > day
    return bool(active)


def _holds(granted_on, valid_until, day) -> bool:
    """`holding_on` for one granted certification already read: the same rule, in Python."""
    return (
        granted_on is not None and granted_on <= day and (valid_until is None or valid_until >= day)
    )


@dataclass
class FedItem:
    """An item of the period's edition that a rule feeds, with the agencies assigned it."""

    item_id: int
    code: str
    kind: str
    source: measures.Source
    assigned: list[int]


def fed_items(period, item_ids=None) -> dict[str, FedItem]:
    """Per item code, the period's items a rule feeds (a rule whose measure does not suit the
    item's kind is left out; the first rule of an item wins), in four queries."""
    by_code = sources_by_code()
    items = Item.objects.filter(
        code__in=list(by_code), indicator__cluster__framework_id=period.framework_id
    )
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    found = {}
    items = items.order_by("indicator__cluster__order", "indicator__number", "order", "code")
    for pk, code, kind in items.values_list("pk", "code", "kind"):
        if measures.KIND_OF[by_code[code].measure] == kind:
            found[code] = FedItem(pk, code, kind, by_code[code], [])
    ids = {f.item_id: f for f in found.values()}
    for item_id, agency_id in (
        Assignment.objects.filter(item_id__in=list(ids), agency__region_id=period.region_id)
        .order_by("agency_id")
        .values_list("item_id", "agency_id")
    ):
        ids[item_id].assigned.append(agency_id)
    return found


def item_register_values(period, *, agency_id=None, item_ids=None):
    """Per item code, the register's value on the period's reference date (the `agency_id`'s
    part where several agencies share an item), in eight queries however many items."""
    fed = fed_items(period, item_ids)
    if not fed:
        return {}
    register = register_on(period.region_id, period.reference_on)
    values = {}
    for code, item in fed.items():
        places = register.places
        if agency_id is not None:
            places = measures.agency_part(places, agency_id, item.assigned, item.source.measure)
        values[code] = register.measure(item.source, places)
    return values


def facility_values_document(period) -> dict:
    """The `facility_values` JSON document: the register's value of every fed item."""
    values = item_register_values(period)
    return {
        "region": period.region.slug,
        "period": period.year,
        "reference_date": period.reference_on.isoformat(),
        "items": [
            {
                "code": code,
                "value": measured.printed,
                "places": [entry.as_json() for entry in measured.entries],
            }
            for code, measured in values.items()
        ],
    }


# ---- one submission and the register ---------------------------------------------------------

CURRENT, OUT_OF_DATE, TYPED = "current", "out_of_date", "typed"


def sentence(measured: measures.Measured) -> str:
    """The value in words: "4 RBRA bersertifikat berlaku per 31-03-2026"."""
    day = measured.reference_date.strftime("%d-%m-%Y")
    label, n, d = measured.source.label, measured.numerator, measured.denominator
    if measured.measure == "exists":
        if n:
            return _("Ada %(what)s per %(day)s") % {"what": label, "day": day}
        return _("Belum ada %(what)s per %(day)s") % {"what": label, "day": day}
    if measured.measure == "count":
        if measured.source.standard:
            return _("%(n)s %(what)s bersertifikat berlaku per %(day)s") % {
                "n": n,
                "what": label,
                "day": day,
            }
        return _("%(n)s %(what)s terdaftar per %(day)s") % {"n": n, "what": label, "day": day}
    share = "—" if measured.value is None else f"{format_number(round_half_up(measured.value))}%"
    where = {
        "share": _("tempat"),
        "share_kelurahan": _("kelurahan"),
        "share_kecamatan": _("kecamatan"),
    }[measured.measure]
    return _("%(n)s dari %(d)s %(where)s dengan %(what)s per %(day)s (%(share)s)") % {
        "n": n,
        "d": d,
        "where": where,
        "what": label,
        "day": day,
        "share": share,
    }


def submission_register(submission) -> measures.Measured | None:
    """The register's value of a saved or new submission's item (its agency's part), or None
    when no rule feeds the item (then without a query); its item and period must be loaded."""
    item, period = submission.item, submission.period
    source = source_of(item.code, item.kind)
    if source is None:
        return None
    assigned = list(
        Assignment.objects.filter(item_id=item.pk, agency__region_id=period.region_id)
        .order_by("agency_id")
        .values_list("agency_id", flat=True)
    )
    register = register_on(period.region_id, period.reference_on)
    places = measures.agency_part(register.places, submission.agency_id, assigned, source.measure)
    return register.measure(source, places)


def answer_matches(submission, answer: dict) -> bool:
    """Whether the submission's answer fields hold `answer` (as stored by a take)."""
    for name, stored in answer.items():
        current = getattr(submission, name)
        if name in ("numerator", "denominator") and stored is not None:
            stored = Decimal(str(stored))
        if current != stored:
            return False
    return True


def take_state(submission, measured: measures.Measured | None) -> str | None:
    """How a submission's answer stands against the register: taken and `current`, taken but
    `out_of_date` (the register changed since), `typed` over after taking, or None."""
    take = getattr(submission, "register_take", None) if submission.pk else None
    if take is None:
        return None
    if not answer_matches(submission, take.answer):
        return TYPED
    if measured is None or measured.fingerprint != take.fingerprint:
        return OUT_OF_DATE
    if take.reference_date != submission.period.reference_on:
        return OUT_OF_DATE
    return CURRENT


# ---- readiness: what the register stands in for ----------------------------------------------


def register_documents(
    rows, requirements: dict, periods: dict | None = None, known: dict | None = None
) -> list[tuple]:
    """(submission id, requirement id, document date, valid until) for each document the
    register provides (`indicators.selectors.readiness.with_register` is the rule's caller).

    `rows` are (submission id, item id, period id, agency id or None). The listing counts as
    dated on the reference date when at least one place is behind the value; each certificate
    behind it counts for `sertifikat` with its own dates. In a fixed number of queries per
    period, whatever the number of rows; none for the rows whose value is `known` (by id).
    """
    known = known or {}
    fed, by_code = {}, sources_by_code()
    for item_id, found in requirements.items():
        if found and (source := source_of(found[0].item_code, found[0].item_kind, by_code)):
            fed[item_id] = source
    found = [
        (row[0], requirement, known[row[0]])
        for row in rows
        if row[0] in known and known[row[0]] is not None
        for requirement in requirements.get(row[1], [])
    ]
    rows = [row for row in rows if row[1] in fed and row[0] not in known]
    if not rows:
        return _documents(found)
    from indicators.models import Period, Submission

    if periods is None or any(row[2] not in periods for row in rows):
        periods = {p.pk: p for p in Period.objects.filter(pk__in={row[2] for row in rows})}
    if any(row[3] is None for row in rows):
        agencies = dict(
            Submission.objects.filter(pk__in=[row[0] for row in rows]).values_list(
                "pk", "agency_id"
            )
        )
        rows = [(pk, item, period, agencies.get(pk)) for pk, item, period, _agency in rows]
    assigned: dict[tuple[int, int], list[int]] = {}
    for item_id, agency_id, region_id in (
        Assignment.objects.filter(
            item_id__in=list(fed), agency__region_id__in={p.region_id for p in periods.values()}
        )
        .order_by("agency_id")
        .values_list("item_id", "agency_id", "agency__region_id")
    ):
        assigned.setdefault((item_id, region_id), []).append(agency_id)
    chosen = sorted({row[2] for row in rows})
    by_region_day = registers_on(
        [(periods[pk].region_id, periods[pk].reference_on) for pk in chosen]
    )
    registers = {
        pk: by_region_day[(periods[pk].region_id, periods[pk].reference_on)] for pk in chosen
    }
    for pk, item_id, period_id, agency_id in rows:
        register, source = registers[period_id], fed[item_id]
        places = measures.agency_part(
            register.places,
            agency_id,
            assigned.get((item_id, periods[period_id].region_id), []),
            source.measure,
        )
        measured = register.measure(source, places)
        found += [(pk, requirement, measured) for requirement in requirements.get(item_id, [])]
    return _documents(found)


def _documents(found) -> list[tuple]:
    documents = []
    for pk, requirement, measured in found:
        if requirement.doc_type == "data" and measured.listed:
            documents.append((pk, requirement.id, measured.reference_date, None))
        elif requirement.doc_type == "sertifikat":
            documents += [
                (pk, requirement.id, h.granted_on, h.valid_until) for h in measured.holdings
            ]
    return documents


# ---- the coverage page -----------------------------------------------------------------------

EXPIRING_DAYS = 90
SHORT_LABELS = {
    "FORUM_ANAK": gettext_lazy("Forum Anak"),
    "INFO_ANAK": gettext_lazy("Info anak"),
    "PUSKESMAS": gettext_lazy("Puskesmas"),
    "RUANG_BERMAIN": gettext_lazy("Taman"),
    "RUANG_LAKTASI": gettext_lazy("R. laktasi"),
    "RUMAH_IBADAH": gettext_lazy("R. ibadah"),
    "SEKOLAH": gettext_lazy("Sekolah"),
    "UPTD_PPA": gettext_lazy("UPTD PPA"),
}


@dataclass
class AreaCoverage:
    """One kecamatan or kelurahan: places per type, certificates held and expiring, gaps."""

    id: int
    name: str
    places: dict  # type code -> count of open places
    held: dict  # standard code -> certificates held
    expiring: dict  # standard code -> of those, lapsing within EXPIRING_DAYS
    gaps: list  # labels of the targets it misses
    kelurahan: list = None  # for a kecamatan, its kelurahan
    met: int = 0
    targets: int = 0
    type_cells: list = None  # places per shown type, in the columns' order
    standard_cells: list = None  # (held, expiring) per shown standard

    @property
    def share_met(self) -> int:
        return round(100 * self.met / self.targets) if self.targets else 100


@dataclass
class Coverage:
    region: object
    day: datetime.date
    types: list  # (code, name) of the types shown
    standards: list  # (code, name)
    kecamatan: list[AreaCoverage]
    targets: list  # (target, met, of, missing)
    expiring: list  # (place or kelurahan name, standard, valid_until)

    @property
    def gaps(self) -> int:
        return sum(row[3] for row in self.targets)

    @property
    def type_headers(self) -> list:
        """(code, name, short label) of the shown types, for narrow column headers."""
        return [(code, name, SHORT_LABELS.get(code, code)) for code, name in self.types]

    @property
    def columns(self) -> int:
        return len(self.types) + len(self.standards) + 2


def _count(rows, key):
    found: dict = {}
    for row in rows:
        found[key(row)] = found.get(key(row), 0) + 1
    return found


def coverage(region, day: datetime.date) -> Coverage:
    """Which types and standards each kecamatan and kelurahan has on `day`, which lapse within
    EXPIRING_DAYS, and the gaps against the city's targets; in seven queries at any size."""
    from facilities.targets import city_targets

    register = register_on(region.pk, day)
    types = list(FacilityType.objects.order_by("code").values_list("code", "name"))
    standards = list(Standard.objects.order_by("code").values_list("code", "name"))
    soon = day + datetime.timedelta(days=EXPIRING_DAYS)
    place_of = {p.id: p for p in register.places}
    area_of = {a.id: a for a in register.areas}

    def where(h):  # the kelurahan a certificate is in
        return place_of[h.facility_id].kelurahan_id if h.facility_id else h.kelurahan_id

    holdings = [h for h in register.holdings if where(h) in area_of]
    lapsing = [h for h in holdings if h.valid_until is not None and h.valid_until <= soon]
    targets = city_targets()
    kecamatan: dict[int, AreaCoverage] = {}
    for area in register.areas:
        kecamatan.setdefault(
            area.kecamatan_id, AreaCoverage(area.kecamatan_id, area.kecamatan, {}, {}, {}, [], [])
        )
        mine = [p for p in register.places if p.kelurahan_id == area.id]
        held = [h for h in holdings if where(h) == area.id]
        row = AreaCoverage(
            area.id,
            area.name,
            _count(mine, lambda p: p.type_code),
            _count(held, lambda h: h.standard),
            _count([h for h in lapsing if where(h) == area.id], lambda h: h.standard),
            [],
        )
        for target in targets:
            if target.per != "kelurahan":
                continue
            row.targets += 1
            if any(
                p.type_code == target.type_code and (not target.level or p.level == target.level)
                for p in mine
            ):
                row.met += 1
            else:
                row.gaps.append(target.label)
        kecamatan[area.kecamatan_id].kelurahan.append(row)
    for k in kecamatan.values():
        for child in k.kelurahan:
            for field_name in ("places", "held", "expiring"):
                total = getattr(k, field_name)
                for code, n in getattr(child, field_name).items():
                    total[code] = total.get(code, 0) + n
        for target in targets:
            k.targets += 1
            if target.per == "kecamatan":
                ok = any(
                    p.type_code == target.type_code
                    and (not target.level or p.level == target.level)
                    and area_of[p.kelurahan_id].kecamatan_id == k.id
                    for p in register.places
                )
            else:
                ok = all(target.label not in child.gaps for child in k.kelurahan)
            if ok:
                k.met += 1
            else:
                k.gaps.append(target.label)
    rows = sorted(kecamatan.values(), key=lambda k: k.name)
    summary = []
    for target in targets:
        if target.per == "kecamatan":
            met = sum(1 for k in rows if target.label not in k.gaps)
            summary.append((target, met, len(rows), len(rows) - met))
        else:
            children = [c for k in rows for c in k.kelurahan]
            met = sum(1 for c in children if target.label not in c.gaps)
            summary.append((target, met, len(children), len(children) - met))
    expiring = sorted(
        (
            (
                place_of[h.facility_id].name if h.facility_id else area_of[h.kelurahan_id].name,
                area_of[where(h)].name,
                h.standard,
                h.valid_until,
            )
            for h in lapsing
        ),
        key=lambda row: (row[3], row[0]),
    )
    used = {code for k in rows for code in k.places} | {t.type_code for t in targets}
    held = {code for k in rows for code in k.held}
    types = [(c, n) for c, n in types if c in used]
    standards = [(c, n) for c, n in standards if c in held]
    for area in [*rows, *(c for k in rows for c in k.kelurahan)]:
        area.type_cells = [area.places.get(c, 0) for c, _n in types]
        area.standard_cells = [
            (area.held.get(c, 0), area.expiring.get(c, 0)) for c, _n in standards
        ]
    return Coverage(region, day, types, standards, rows, summary, expiring)


@dataclass
class GridCell:
    x: int
    y: int
    area: AreaCoverage
    tone: str  # "full", "part" or "none": how many targets it meets


GRID_COLUMNS, CELL_W, CELL_H = 3, 220, 120


def coverage_grid(data: Coverage) -> dict:
    """A simple drawn map: the kecamatan as cells of a grid, toned by the targets they meet."""
    cells = []
    for index, area in enumerate(data.kecamatan):
        row, column = divmod(index, GRID_COLUMNS)
        tone = "full" if not area.gaps else ("none" if area.met == 0 else "part")
        cells.append(GridCell(column * CELL_W, row * CELL_H, area, tone))
    rows = (len(cells) + GRID_COLUMNS - 1) // GRID_COLUMNS
    return {
        "cells": cells,
        "width": GRID_COLUMNS * CELL_W,
        "height": max(rows, 1) * CELL_H,
        "cell_w": CELL_W - 8,
        "cell_h": CELL_H - 8,
    }

"""Writes of the framework: loading the bundled edition and copying an edition forward."""

import csv
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from clusters.models import (
    BandCondition,
    CategoryBand,
    Cluster,
    EvidenceRequirement,
    Framework,
    Indicator,
    Item,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"

EVIDENCE_BY_KIND = {
    Item.Kind.CHECK: "Dokumen penetapan atau bukti pelaksanaan (SK, Perda/Perwali, laporan, foto).",
    Item.Kind.PERCENT: "Rekap data pembilang dan penyebut beserta sumber dan tanggal datanya.",
    Item.Kind.COUNT: "Daftar yang dihitung beserta dokumen atau foto pendukungnya.",
}


def framework_revise(*, framework_ids) -> None:
    """Mark editions as changed: every score cached from them is computed again.

    Every write to a framework, its bands, clusters, indicators or items ends here (the admin's
    save and delete paths and the services below). The new revision is at least the clock, so
    it is higher than any earlier one even if a form saved back a revision it had read before.
    """
    Framework.objects.filter(pk__in=list(framework_ids)).update(
        revision=Greatest(F("revision") + 1, Value(time.time_ns()))
    )


@dataclass
class LoadReport:
    framework: Framework
    created: dict

    @property
    def created_any(self):
        return any(self.created.values())


def _rows(directory: Path, name: str):
    with open(directory / name, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _decimal(text: str):
    return Decimal(text) if text not in (None, "") else None


@transaction.atomic
def framework_load(*, directory: Path) -> LoadReport:
    """Create whatever of a bundled edition is missing; never overwrite edits made in admin."""
    created = {
        "framework": 0,
        "bands": 0,
        "clusters": 0,
        "indicators": 0,
        "items": 0,
        "requirements": 0,
    }
    (meta,) = list(_rows(directory, "framework.csv"))
    framework, made = Framework.objects.get_or_create(
        code=meta["code"],
        defaults={
            "name": meta["name"],
            "year": int(meta["year"]),
            "legal_basis": meta["legal_basis"],
        },
    )
    created["framework"] += made
    for row in _rows(directory, "bands.csv"):
        _, made = CategoryBand.objects.get_or_create(
            framework=framework,
            name=row["name"],
            defaults={"order": int(row["order"]), "min_total": Decimal(row["min_total"])},
        )
        created["bands"] += made
    _load_instrument(directory, framework, created)
    _load_requirements(directory, framework, created)
    report = LoadReport(framework, created)
    if report.created_any:
        framework_revise(framework_ids=[framework.pk])
    return report


def _load_instrument(directory: Path, framework: Framework, created: dict) -> None:
    """The edition's clusters, indicators and items that are not there yet."""
    clusters = {}
    for row in _rows(directory, "clusters.csv"):
        clusters[row["code"]], made = Cluster.objects.get_or_create(
            framework=framework,
            code=row["code"],
            defaults={
                "order": int(row["order"]),
                "name": row["name_id"],
                "name_en": row["name_en"],
                "max_points": Decimal(row["max_points"]),
            },
        )
        created["clusters"] += made
    indicators = {}
    for row in _rows(directory, "indicators.csv"):
        indicators[row["code"]], made = Indicator.objects.get_or_create(
            cluster=clusters[row["cluster"]],
            code=row["code"],
            defaults={
                "number": int(row["number"]),
                "name": row["name_id"],
                "name_en": row["name_en"],
                "max_points": Decimal(row["max_points"]),
            },
        )
        created["indicators"] += made
    for order, row in enumerate(_rows(directory, "items.csv")):
        fields = {
            "order": order,
            "name": row["name_id"],
            "name_en": row["name_en"],
            "kind": row["kind"],
            "rule": row["rule"],
            "worst": _decimal(row["worst"]),
            "best": _decimal(row["best"]),
            "bands": row["bands"],
            "weight": Decimal(row["weight"]),
            "evidence_required": row["evidence_required"].strip().lower() in ("yes", "ya"),
            "evidence_description": EVIDENCE_BY_KIND[row["kind"]],
            "default_agencies": row["agencies"],
        }
        # Checked as the admin checks an edit: a bad rule in the fixture is refused, not loaded.
        Item(indicator=indicators[row["indicator"]], code=row["code"], **fields).spec().check()
        _, made = Item.objects.get_or_create(
            indicator=indicators[row["indicator"]],
            code=row["code"],
            defaults=fields,
        )
        created["items"] += made


def _load_requirements(directory: Path, framework: Framework, created: dict) -> None:
    """The documents each item asks for that are not there yet (admin edits are kept)."""
    if not (directory / "evidence_requirements.csv").exists():
        return
    items = {
        item.code: item for item in Item.objects.filter(indicator__cluster__framework=framework)
    }
    existing = set(
        EvidenceRequirement.objects.filter(item__in=items.values()).values_list(
            "item__code", "code"
        )
    )
    new = []
    for order, row in enumerate(_rows(directory, "evidence_requirements.csv")):
        if (row["item"], row["code"]) in existing:
            continue
        requirement = EvidenceRequirement(
            item=items[row["item"]],
            code=row["code"],
            order=order,
            name=row["name_id"],
            name_en=row["name_en"],
            doc_type=row["doc_type"],
            required=_yes(row["required"]),
            max_age_months=int(row["max_age_months"]) if row["max_age_months"] else None,
            must_be_in_force=_yes(row["must_be_in_force"]),
        )
        # Checked as the admin checks an edit: an unknown document type is refused, not loaded.
        requirement.full_clean(exclude=["item"], validate_unique=False)
        new.append(requirement)
    EvidenceRequirement.objects.bulk_create(new)
    created["requirements"] += len(new)


def _yes(text: str) -> bool:
    return (text or "").strip().lower() in ("yes", "ya")


def bundled_editions() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if (p / "framework.csv").exists())


@transaction.atomic
def framework_copy(*, source: Framework, code: str, name: str, year: int) -> Framework:
    """Copy an edition with its bands, clusters, indicators, items and documents asked for."""
    target = Framework.objects.create(
        code=code, name=name, year=year, legal_basis=source.legal_basis
    )
    bands = {}
    for band in source.bands.all():
        bands[band.pk] = CategoryBand.objects.create(
            framework=target, name=band.name, order=band.order, min_total=band.min_total
        )
    conditions = list(
        BandCondition.objects.filter(band__framework=source).select_related("item", "indicator")
    )
    for cluster in source.clusters.prefetch_related("indicators__items__evidence_requirements"):
        indicators = list(cluster.indicators.all())
        cluster.pk, cluster.id, cluster.framework = None, None, target
        cluster._state.adding = True
        cluster.save()
        for indicator in indicators:
            items = list(indicator.items.all())
            indicator.pk, indicator.id, indicator.cluster = None, None, cluster
            indicator._state.adding = True
            indicator.save()
            for item in items:
                requirements = list(item.evidence_requirements.all())
                item.pk, item.id, item.indicator = None, None, indicator
                item._state.adding = True
                item.save()
                _copy_requirements(requirements, item)
    _copy_conditions(conditions, bands, target)
    return target


def _copy_conditions(conditions: list[BandCondition], bands: dict, target: Framework) -> None:
    """The bands' conditions, pointing at the copied items and indicators (same codes)."""
    items = {i.code: i for i in Item.objects.filter(indicator__cluster__framework=target)}
    indicators = {i.code: i for i in Indicator.objects.filter(cluster__framework=target)}
    BandCondition.objects.bulk_create(
        BandCondition(
            band=bands[c.band_id],
            kind=c.kind,
            item=items.get(c.item.code) if c.item_id else None,
            indicator=indicators.get(c.indicator.code) if c.indicator_id else None,
            min_percent=c.min_percent,
        )
        for c in conditions
    )


def _copy_requirements(requirements: list[EvidenceRequirement], item: Item) -> None:
    """The documents a copied item asks for, as edited in the source edition."""
    for requirement in requirements:
        requirement.pk, requirement.id, requirement.item = None, None, item
        requirement._state.adding = True
    EvidenceRequirement.objects.bulk_create(requirements)

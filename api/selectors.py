"""The open data: a region's published years as one Satu Data dataset (JSON and CSV).

Only aggregates on the verified basis (total, clusters, indicators, category) and the official
results where recorded: no person, no agency-level rows. Scores come from the shared score
cache (`indicators.selectors.score_cache`), whose key changes with every write to a period or
its edition, so a cached answer is never stale; the releases and official results are read
fresh on every request (two queries).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from api.models import OpenDataRelease
from indicators.exports.cells import neutralise
from indicators.models import Agency, OfficialResult, Region
from indicators.selectors.score_cache import cached_period_score
from indicators.selectors.scores import VERIFIED

RESPONSIBLE_AGENCY = "DP3AKB"


def _label(result) -> str:
    if result.name_en and (get_language() or "").startswith("en"):
        return result.name_en
    return result.name


def _num(value):
    return None if value is None else float(value)


def published_regions():
    """Regions with at least one published year, with those years (one query)."""
    releases = (
        OpenDataRelease.objects.select_related("period__region")
        .order_by("period__region__name", "period__year")
        .values_list("period__region__slug", "period__region__name", "period__year")
    )
    regions: dict[str, dict] = {}
    for slug, name, year in releases:
        regions.setdefault(slug, {"region": slug, "name": name, "years": []})["years"].append(year)
    return list(regions.values())


def open_data_document(region_slug: str) -> dict:
    """The dataset of a region's published years, or 404 when none is published."""
    region = get_object_or_404(Region, slug=region_slug)
    releases = list(
        OpenDataRelease.objects.filter(period__region=region)
        .select_related("period__framework", "period__region")
        .order_by("period__year")
    )
    if not releases:
        raise OpenDataRelease.DoesNotExist
    periods = [release.period for release in releases]
    official = {o.period_id: o for o in OfficialResult.objects.filter(period__in=periods)}
    responsible = Agency.objects.filter(region=region, code=RESPONSIBLE_AGENCY).first()
    data = []
    for release in releases:
        period = release.period
        score = cached_period_score(period, VERIFIED)
        result = official.get(period.pk)
        data.append(
            {
                "year": period.year,
                "framework": period.framework.code,
                "published_at": release.published_at.isoformat(),
                "total": _num(score.total),
                "max_total": _num(score.max_total),
                "category": score.category.name,
                "clusters": [
                    {
                        "code": c.code,
                        "name": _label(c),
                        "points": _num(c.points),
                        "max_points": _num(c.max_points),
                    }
                    for c in score.clusters
                ],
                "indicators": [
                    {
                        "code": i.code,
                        "name": _label(i),
                        "points": _num(i.points),
                        "max_points": _num(i.max_points),
                    }
                    for i in score.indicators
                ],
                "official": None
                if result is None
                else {
                    "self_assessment": _num(result.self_assessment),
                    "administrative_verification": _num(result.administrative_verification),
                    "final_score": _num(result.final_score),
                    "category": result.category,
                    "decree": result.decree,
                },
            }
        )
    return {"metadata": _metadata(region, responsible, periods), "data": data}


def _metadata(region, responsible, periods) -> dict:
    """Satu Data Indonesia's metadata of the dataset (Perpres 39/2019): what, how, who, when."""
    years = [p.year for p in periods]
    unit = responsible.name if responsible else region.name
    return {
        "title": _("Nilai evaluasi Kabupaten/Kota Layak Anak (KLA) %(region)s")
        % {"region": region.name},
        "region": {"slug": region.slug, "name": region.name, "province": region.province},
        "concept": _(
            "Kabupaten/Kota Layak Anak (KLA): kabupaten/kota dengan sistem pembangunan yang "
            "menjamin pemenuhan hak dan perlindungan khusus anak secara terencana, menyeluruh "
            "dan berkelanjutan."
        ),
        "definition": _(
            "Nilai hasil evaluasi KLA per tahun menurut instrumen evaluasi: nilai total, nilai "
            "per klaster (kelembagaan dan klaster I-V), nilai per indikator dan kategori, "
            "dihitung dari isian perangkat daerah yang telah disetujui verifikator."
        ),
        "formula": _(
            "Nilai butir = aturan nilai butir (ya/tidak, linear, atau ambang) x bobot; nilai "
            "indikator = nilai maksimal indikator x rata-rata tertimbang nilai butirnya; nilai "
            "klaster = jumlah nilai indikatornya; nilai total = jumlah nilai klaster; kategori "
            "menurut batas nilai total."
        ),
        "unit": _("poin"),
        "basis": VERIFIED,
        "source": _("Portal KLA %(region)s: isian perangkat daerah yang disetujui verifikator")
        % {"region": region.name},
        "responsible_unit": unit,
        "period": {"start": min(years), "end": max(years), "years": years},
        "frequency": _("tahunan"),
        "personal_data": False,
        "agency_level": False,
        "language": (get_language() or "id")[:2],
    }


CSV_COLUMNS = ("region", "year", "level", "code", "name", "value", "max_value", "unit")


def open_data_csv(document: dict) -> str:
    """The dataset as one long table: a row per total, category, cluster, indicator, result."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    region = document["metadata"]["region"]["slug"]
    points = document["metadata"]["unit"]
    for year in document["data"]:
        rows = [("total", "", "", year["total"], year["max_total"], points)]
        rows.append(("category", "", year["category"] or "", "", "", ""))
        rows += [
            ("cluster", c["code"], c["name"], c["points"], c["max_points"], points)
            for c in year["clusters"]
        ]
        rows += [
            ("indicator", i["code"], i["name"], i["points"], i["max_points"], points)
            for i in year["indicators"]
        ]
        official = year["official"] or {}
        for name in ("self_assessment", "administrative_verification", "final_score"):
            if official.get(name) is not None:
                rows.append((f"official_{name}", "", "", official[name], "", points))
        if official.get("category"):
            rows.append(("official_category", "", official["category"], "", "", ""))
        for level, code, name, value, max_value, unit in rows:
            writer.writerow(
                [neutralise(v) for v in (region, year["year"], level, code, name)]
                + [_csv_number(value), _csv_number(max_value), neutralise(unit)]
            )
    return out.getvalue()


def _csv_number(value):
    # Machine-readable: a dot for decimals whatever the language, as Satu Data's CKAN reads it.
    if value in ("", None):
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else value


def etag_of(body: str | bytes) -> str:
    raw = body.encode() if isinstance(body, str) else body
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def json_body(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=False)

"""Load Kemendagri's list of regions, kecamatan and kelurahan from the npm package
`idn-area-data` (provinces.csv, regencies.csv, districts.csv, villages.csv in its `data/`).

The package is fetched on demand with `npm pack` into a cache directory (nothing of it is needed
for `make run`); `areas_load` reads the CSV files of a directory, so tests use a small copy.
Idempotent: known codes are left as they are (an admin may have renamed a place), only what is
missing is created, and a kecamatan without its Kemendagri code gets it.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from indicators.models import Kecamatan, Kelurahan, Region

PACKAGE = "idn-area-data"
VERSION = "3.1.2"  # the edition the code was checked against; --version asks for another
FILES = ("provinces.csv", "regencies.csv", "districts.csv", "villages.csv")
ACRONYMS = {"Dki": "DKI", "Di": "DI"}


class AreasError(Exception):
    """A clear reason the list could not be fetched or read."""


@dataclass
class Loaded:
    regions: int = 0
    kecamatan: int = 0
    kelurahan: int = 0


def _rows(directory: Path, name: str) -> list[dict]:
    path = directory / name
    if not path.is_file():
        raise AreasError(f"Berkas {name} tidak ada di {directory}.")
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _title(name: str) -> str:
    words = name.strip().title().split()
    return " ".join(ACRONYMS.get(word, word) for word in words)


def package_directory(version: str = VERSION, cache: Path | None = None) -> Path:
    """The package's `data/` directory, fetched once with `npm pack` into the cache."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise AreasError(f"Versi '{version}' tidak sah: tulis seperti 3.1.2.")
    cache = Path(cache or getattr(settings, "IDN_AREA_CACHE", settings.BASE_DIR / ".cache"))
    target = cache / f"{PACKAGE}-{version}"
    if all((target / "data" / name).is_file() for name in FILES):
        return target / "data"
    npm = shutil.which("npm")
    if npm is None:
        raise AreasError("npm tidak ditemukan: pasang Node.js, atau berikan --source DIREKTORI.")
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(  # noqa: S603 - npm from PATH, a checked version, no shell
        [npm, "pack", f"{PACKAGE}@{version}", "--pack-destination", str(cache), "--silent"],
        cwd=cache,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    tarball = cache / f"{PACKAGE}-{version}.tgz"
    if done.returncode != 0 or not tarball.is_file():
        raise AreasError(f"npm pack {PACKAGE}@{version} gagal: {done.stderr.strip()[:300]}")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        members = [
            m
            for m in archive.getmembers()
            if m.isfile() and m.name in {f"package/data/{name}" for name in FILES}
        ]
        for member in members:
            member.name = member.name.removeprefix("package/")
        archive.extractall(target, members=members, filter="data")
    tarball.unlink()
    return target / "data"


@transaction.atomic
def areas_load(directory: Path, province: str | None = None) -> Loaded:
    """Create the regions, kecamatan and kelurahan of the list (of one province, by its code
    `64` or its name) that are missing; returns what was created."""
    directory = Path(directory)
    provinces = {row["code"]: _title(row["name"]) for row in _rows(directory, "provinces.csv")}
    if province:
        wanted = province.strip()
        codes = [c for c, n in provinces.items() if wanted in (c,) or n.lower() == wanted.lower()]
        if not codes:
            raise AreasError(f"Provinsi '{province}' tidak ada dalam daftar.")
        provinces = {codes[0]: provinces[codes[0]]}
    loaded = Loaded()
    regencies = [r for r in _rows(directory, "regencies.csv") if r["province_code"] in provinces]
    regions = {r.kemendagri_code: r for r in Region.objects.exclude(kemendagri_code="")}
    slugs = set(Region.objects.values_list("slug", flat=True))
    for row in regencies:
        if row["code"] in regions:
            continue
        slug = slugify(row["name"])[:60] or row["code"].replace(".", "-")
        if slug in slugs:
            slug = f"{slug[:54]}-{row['code'].replace('.', '')}"
        regions[row["code"]] = Region.objects.create(
            slug=slug,
            name=_title(row["name"]),
            province=provinces[row["province_code"]],
            kemendagri_code=row["code"],
        )
        slugs.add(slug)
        loaded.regions += 1
    regions = {code: regions[code] for code in {r["code"] for r in regencies}}
    districts = [d for d in _rows(directory, "districts.csv") if d["regency_code"] in regions]
    villages = [v for v in _rows(directory, "villages.csv") if v["district_code"][:5] in regions]
    per_district: dict[str, int] = {}
    for village in villages:
        per_district[village["district_code"]] = per_district.get(village["district_code"], 0) + 1
    existing = {
        (k.region_id, k.kemendagri_code or k.code): k
        for k in Kecamatan.objects.filter(region__in=list(regions.values()))
    }
    by_name = {(k.region_id, k.name.lower()): k for k in existing.values()}
    kecamatan = {}
    for row in districts:
        region = regions[row["regency_code"]]
        found = existing.get((region.pk, row["code"])) or by_name.get(
            (region.pk, row["name"].lower())
        )
        if found is None:
            found = Kecamatan.objects.create(
                region=region,
                code=row["code"],
                kemendagri_code=row["code"],
                name=row["name"],
                kelurahan_count=per_district.get(row["code"], 0),
            )
            loaded.kecamatan += 1
        elif not found.kemendagri_code:
            found.kemendagri_code = row["code"]
            found.save(update_fields=["kemendagri_code"])
        kecamatan[row["code"]] = found
    known = set(
        Kelurahan.objects.filter(code__in=[v["code"] for v in villages]).values_list(
            "code", flat=True
        )
    )
    new = [
        Kelurahan(kecamatan=kecamatan[v["district_code"]], code=v["code"], name=v["name"])
        for v in villages
        if v["code"] not in known and v["district_code"] in kecamatan
    ]
    Kelurahan.objects.bulk_create(new, batch_size=2000)
    loaded.kelurahan = len(new)
    return loaded

"""Demo data of the register: a believable Balikpapan, and the two helpers that make places.

`place` and `certify` write through the ORM and `services.certification_valid_until`, for the
demo, the synthetic data and the tests (the operators' forms and the importer are elsewhere).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from facilities.models import Certification, Facility, FacilityType, Standard
from facilities.services import certification_valid_until, reference_load
from indicators.models import Agency, Kelurahan, Region

G = Certification.Stage


def place(region: Region, type_code: str, name: str, kelurahan, agency: str, **fields) -> Facility:
    """A place of the register (`kelurahan` a Kelurahan or its Kemendagri code)."""
    if isinstance(kelurahan, str):
        kelurahan = Kelurahan.objects.get(code=kelurahan)
    facility, _ = Facility.objects.get_or_create(
        facility_type=FacilityType.objects.get(code=type_code),
        kelurahan=kelurahan,
        name=name,
        defaults={
            "region": region,
            "agency": Agency.objects.get(region=region, code=agency),
            **fields,
        },
    )
    return facility


def certify(
    subject,
    standard_code: str,
    granted_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    stage: str = G.GRANTED,
    number: str = "",
) -> Certification:
    """A certification of a place (or, for a designation, a Kelurahan)."""
    standard = Standard.objects.get(code=standard_code)
    is_place = isinstance(subject, Facility)
    return Certification.objects.create(
        facility=subject if is_place else None,
        kelurahan=None if is_place else subject,
        standard=standard,
        stage=stage,
        certificate_number=number,
        granted_on=granted_on,
        valid_until=certification_valid_until(standard, granted_on, valid_until),
    )


# ---- the demo city ---------------------------------------------------------------------------

# Kecamatan code -> (a kelurahan code, the park that stands for "Satu Taman, Satu Kecamatan").
PARKS = {
    "BPP-KOTA": ("64.71.06.1004", "Taman Bekapai"),
    "BPP-SELATAN": ("64.71.05.1002", "Taman Tiga Generasi"),
    "BPP-TENGAH": ("64.71.04.1003", "Taman Pandan Wangi"),
    "BPP-UTARA": ("64.71.03.1006", "Taman Graha Indah"),
    "BPP-TIMUR": ("64.71.01.1001", "Taman Manggar Ceria"),
    # Balikpapan Barat has no park yet: the coverage page shows the gap.
}
RBRA_GRANTED = ("Taman Bekapai", "Taman Tiga Generasi", "Taman Pandan Wangi")
RBRA_ASSESSMENT = ("Taman Graha Indah", "Taman Manggar Ceria")
PUSKESMAS = {
    "64.71.06.1001": "Puskesmas Klandasan Ilir",
    "64.71.05.1002": "Puskesmas Sepinggan Baru",
    "64.71.04.1003": "Puskesmas Karang Rejo",
    "64.71.03.1004": "Puskesmas Muara Rapak",
    "64.71.01.1001": "Puskesmas Manggar",
    "64.71.02.1001": "Puskesmas Baru Ilir",
}
SCHOOLS = [
    ("SD Negeri 001 Balikpapan Kota", "64.71.06.1003", "SD/MI", "DISDIK", True),
    ("SD Negeri 012 Balikpapan Selatan", "64.71.05.1008", "SD/MI", "DISDIK", True),
    ("SMP Negeri 1 Balikpapan", "64.71.06.1004", "SMP/MTs", "DISDIK", True),
    ("SMP Negeri 9 Balikpapan", "64.71.03.1004", "SMP/MTs", "DISDIK", False),
    ("TK Negeri Pembina Balikpapan", "64.71.04.1005", "PAUD", "DISDIK", True),
    ("PAUD Melati Manggar", "64.71.01.1004", "PAUD", "DISDIK", False),
    ("SLB Negeri Balikpapan", "64.71.04.1001", "SLB", "DISDIK", True),
    ("MI Al-Ikhlas Balikpapan Barat", "64.71.02.1005", "SD/MI", "KEMENAG", True),
    ("MTs Negeri 1 Balikpapan", "64.71.03.1002", "SMP/MTs", "KEMENAG", False),
]
# Kelurahan without a Forum Anak yet (the rest of the 34 have one).
WITHOUT_FORUM = ("64.71.02.1004", "64.71.01.1003", "64.71.03.1003", "64.71.05.1011")
WITHOUT_PATBM = ("64.71.02.1004", "64.71.01.1002", "64.71.05.1012")


@transaction.atomic
def register_seed(region: Region, reference: datetime.date) -> int:
    """The demo city's register around `reference` (the period's reference date); returns the
    places created. Runs once: a region that already has places is left as it is."""
    if region.facilities.exists():
        return 0
    reference_load()
    year = datetime.timedelta(days=365)
    kelurahan = {
        k.code: k
        for k in Kelurahan.objects.filter(kecamatan__region=region).select_related("kecamatan")
    }
    made = 0
    for code, name in PARKS.values():
        park = place(region, "RUANG_BERMAIN", name, kelurahan[code], "DLH")
        made += 1
        if name in RBRA_GRANTED:
            number = f"RBRA/{name.split()[-1].upper()}/{reference.year - 1}"
            certify(park, "RBRA", reference - year, number=number)
        elif name in RBRA_ASSESSMENT:
            certify(park, "RBRA", stage=G.ASSESSMENT)
    place(region, "RUANG_BERMAIN", "RTH Lapangan Merdeka", kelurahan["64.71.06.1004"], "DPU")
    made += 1
    for index, (code, name) in enumerate(PUSKESMAS.items()):
        puskesmas = place(region, "PUSKESMAS", name, kelurahan[code], "DINKES")
        made += 1
        if index < 4:
            certify(
                puskesmas, "PRAP", reference - year * (index % 2 + 1), number=f"PRAP-{index + 1}"
            )
        elif index == 4:  # granted more than three years ago: expired on the reference date
            certify(puskesmas, "PRAP", reference - year * 3 - datetime.timedelta(days=40))
    for name, code, level, agency, sra in SCHOOLS:
        school = place(region, "SEKOLAH", name, kelurahan[code], agency, level=level)
        made += 1
        if sra:
            certify(school, "SRA", reference - datetime.timedelta(days=120), number=f"SRA-{made}")
    daycare = place(region, "TARA", "TARA Permata Hati", kelurahan["64.71.05.1002"], "DP3AKB")
    certify(daycare, "TARA_SNI", stage=G.ASSESSMENT)
    puspaga = place(
        region, "PUSPAGA", "PUSPAGA Kota Balikpapan", kelurahan["64.71.06.1001"], "DP3AKB"
    )
    certify(puspaga, "PUSPAGA_STD", reference - year, number="PUSPAGA/2025/01")
    place(region, "UPTD_PPA", "UPTD PPA Kota Balikpapan", kelurahan["64.71.06.1001"], "DP3AKB")
    place(region, "PISA", "PISA Perpustakaan Kota", kelurahan["64.71.06.1002"], "DISPERPUS")
    place(region, "PKA", "Pusat Kreativitas Anak Balikpapan", kelurahan["64.71.04.1003"], "DISPORA")
    place(region, "RUANG_LAKTASI", "Ruang Laktasi Balai Kota", kelurahan["64.71.06.1001"], "DINKES")
    place(
        region, "RUANG_LAKTASI", "Ruang Laktasi RSUD Kanujoso", kelurahan["64.71.05.1008"], "DINKES"
    )
    made += 7
    forum = "Forum Anak"
    place(
        region,
        "FORUM_ANAK",
        f"{forum} Kota Balikpapan",
        kelurahan["64.71.06.1001"],
        "DP3AKB",
        level="kota",
    )
    made += 1
    first_of = {}
    for code, area in sorted(kelurahan.items()):
        first_of.setdefault(area.kecamatan_id, area)
        if code not in WITHOUT_FORUM:
            place(region, "FORUM_ANAK", f"{forum} {area.name}", area, "DP3AKB", level="kelurahan")
            made += 1
        if code not in WITHOUT_PATBM:
            place(region, "PATBM", f"PATBM {area.name}", area, "DP3AKB")
            made += 1
    for index, area in enumerate(first_of.values()):
        if index < 5:  # one kecamatan still without its forum
            name = f"{forum} Kecamatan {area.kecamatan.name}"
            place(region, "FORUM_ANAK", name, area, "DP3AKB", level="kecamatan")
            made += 1
    for code in ("64.71.06.1001", "64.71.05.1002", "64.71.04.1003"):
        certify(kelurahan[code], "DEKELA", reference - year, number=f"SK-DEKELA-{code}")
    closed = place(
        region,
        "RUANG_BERMAIN",
        "Taman Kanak Lama",
        kelurahan["64.71.02.1002"],
        "DLH",
        active=False,
        closed_on=reference - year,
    )
    certify(closed, "RBRA", reference - year * 2, number="RBRA/LAMA")
    return made + 1

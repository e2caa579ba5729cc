"""The register as a file: the import's own columns, every text cell formula-neutralised.

One row per certificate, and one per place without any; a designation of a kelurahan is a row
with a blank type. Dates are YYYY-MM-DD and kelurahan their Kemendagri codes, so an unedited
export imports back (`facilities.importing`) as no change.
"""

from __future__ import annotations

import tablib
from django.db.models import Prefetch, Q

from facilities.importing import HEADER
from facilities.models import Certification, Facility
from indicators.exports.resources import dataset_file, neutralise_dataset


def _day(value) -> str:
    return value.isoformat() if value else ""


def _certificate_cells(c: Certification) -> list:
    return [c.standard.code, c.stage, c.certificate_number, _day(c.granted_on), _day(c.valid_until)]


def register_dataset(*, region, facilities=None) -> tablib.Dataset:
    """The register of a region (or only `facilities`, a queryset of it) as a dataset."""
    places = Facility.objects.filter(region=region) if facilities is None else facilities
    places = (
        places.select_related("facility_type", "kelurahan", "agency")
        .prefetch_related(
            Prefetch("certifications", Certification.objects.select_related("standard"))
        )
        .order_by("facility_type__code", "kelurahan__code", "name", "pk")
    )
    data = tablib.Dataset(headers=list(HEADER), title="register")
    for place in places:
        head = [
            place.facility_type.code,
            place.name,
            place.kelurahan.code,
            place.level,
            place.agency.code,
            place.address,
        ]
        certificates = list(place.certifications.all())
        if not certificates:
            data.append(head + [""] * 5)
        for certificate in certificates:
            data.append(head + _certificate_cells(certificate))
    if facilities is None:
        designations = (
            Certification.objects.filter(Q(kelurahan__kecamatan__region=region))
            .select_related("standard", "kelurahan")
            .order_by("kelurahan__code", "standard__code", "pk")
        )
        for certificate in designations:
            data.append(
                ["", "", certificate.kelurahan.code, "", "", ""] + _certificate_cells(certificate)
            )
    return neutralise_dataset(data)


def register_file(*, region, fmt: str, facilities=None) -> tuple[bytes | str, str, str]:
    """(content, content type, extension) of the register in `xlsx` or `csv`."""
    return dataset_file(register_dataset(region=region, facilities=facilities), fmt)

"""Writes of the register: the rules of a place and a certificate, versions, history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from facilities import services
from facilities.models import Certification, Standard
from indicators.models import Agency, Kelurahan, Region
from indicators.uploads import EvidenceRejected
from tests.conftest import PDF, upload
from tests.facilities.conftest import grant, make_place


def test_a_place_is_registered_with_its_history_user_and_reason(place, dlh_operator):
    record = place.history.get()
    assert record.history_user == dlh_operator
    assert record.history_change_reason == "Didaftarkan"
    assert place.region.slug == "balikpapan" and place.version == 1


def test_the_same_type_name_and_kelurahan_is_refused_as_the_same_place(place, dlh_operator):
    with pytest.raises(ValidationError) as caught:
        make_place(dlh_operator, "  taman   BEKAPAI ")
    assert "sudah terdaftar" in str(caught.value.message_dict["name"])


def test_only_a_supplying_agency_of_the_type_registers_it(register, dlh_operator):
    with pytest.raises(ValidationError) as caught:
        make_place(dlh_operator, "Puskesmas Manggar", type_code="PUSKESMAS", agency_code="DLH")
    assert "DINKES" in caught.value.message_dict["agency"][0]


def test_a_type_with_levels_needs_a_known_level_and_reads_it_in_any_case(register, operator):
    with pytest.raises(ValidationError) as caught:
        make_place(operator, "SDN 001", type_code="SEKOLAH", agency_code="DISDIK")
    assert "jenjang" in caught.value.message_dict["level"][0].lower()
    school = make_place(operator, "SDN 001", type_code="SEKOLAH", agency_code="DISDIK",
                        level="sd/mi")  # fmt: skip
    assert school.level == "SD/MI"


def test_a_kelurahan_of_another_region_is_refused(register, dlh_operator, other_region):
    from indicators.models import Kecamatan

    far = Kecamatan.objects.create(region=other_region, code="X", name="Samarinda Kota")
    foreign = Kelurahan.objects.create(kecamatan=far, code="64.72.01.1001", name="Pasar Pagi")
    with pytest.raises(ValidationError) as caught:
        make_place(dlh_operator, "Taman Samarinda", kelurahan=foreign)
    assert "kelurahan" in caught.value.message_dict


def test_a_change_at_an_old_version_conflicts_instead_of_overwriting(place, dlh_operator):
    services.facility_save(
        region=place.region, values={"address": "Jl. Jend. Sudirman"}, actor=dlh_operator,
        facility=place, version=1,
    )  # fmt: skip
    with pytest.raises(services.RegisterConflict):
        services.facility_save(
            region=place.region, values={"address": "Jl. Lain"}, actor=dlh_operator,
            facility=place, version=1,
        )  # fmt: skip
    place.refresh_from_db()
    assert place.address == "Jl. Jend. Sudirman" and place.version == 2


def test_closing_keeps_the_place_marked_closed_with_its_day(place, dlh_operator):
    closed = services.facility_close(
        facility=place, closed_on=datetime.date(2026, 1, 31), actor=dlh_operator, version=1
    )
    assert not closed.active and closed.closed_on == datetime.date(2026, 1, 31)
    assert closed.history.first().history_change_reason == "Ditutup"
    with pytest.raises(ValidationError):
        services.facility_close(
            facility=place, closed_on=datetime.date(2026, 2, 1), actor=dlh_operator, version=2
        )


def test_valid_until_follows_the_standard_when_the_certificate_gives_none(register, operator):
    puskesmas = make_place(operator, "Puskesmas Manggar", type_code="PUSKESMAS",
                           agency_code="DINKES")  # fmt: skip
    prap = grant(puskesmas, operator, code="PRAP", granted_on=datetime.date(2023, 6, 15))
    assert prap.valid_until == datetime.date(2026, 6, 14)
    own = grant(puskesmas, operator, code="PRAP", granted_on=datetime.date(2023, 6, 15),
                valid_until=datetime.date(2025, 12, 31))  # fmt: skip
    assert own.valid_until == datetime.date(2025, 12, 31)


def test_a_standard_of_another_type_and_a_granted_one_without_date_are_refused(place, dlh_operator):
    with pytest.raises(ValidationError) as caught:
        grant(place, dlh_operator, code="PRAP")
    assert "standard" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.certification_save(
            values={"standard": Standard.objects.get(code="RBRA"), "stage": "granted",
                    "granted_on": None, "valid_until": None, "certificate_number": ""},
            actor=dlh_operator, facility=place,
        )  # fmt: skip
    assert "granted_on" in caught.value.message_dict


def test_the_certificate_file_is_checked_by_content_and_stored_privately(place, dlh_operator):
    with pytest.raises(EvidenceRejected):
        grant(place, dlh_operator, upload=upload(b"<html><script>", "sertifikat.pdf"))
    assert not Certification.objects.exists()
    certification = grant(place, dlh_operator, upload=upload(PDF, "SK RBRA.exe"))
    assert certification.original_name == "SK RBRA.pdf"
    assert certification.content_type == "application/pdf"
    assert certification.file.name.startswith("certificates/")
    assert certification.file.read() == PDF


def test_a_replaced_certificate_file_leaves_storage_after_the_commit(
    place, dlh_operator, django_capture_on_commit_callbacks
):
    first = grant(place, dlh_operator, upload=upload(PDF, "a.pdf"))
    old = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.certification_save(
            values={}, actor=dlh_operator, certification=first, version=first.version,
            upload=upload(PDF + b"2", "b.pdf"),
        )  # fmt: skip
    assert second.file.name != old
    assert not second.file.storage.exists(old)
    assert second.version == 2


def test_a_designation_is_held_by_a_kelurahan_not_by_a_place(register, verifier):
    kelurahan = Kelurahan.objects.order_by("code").first()
    designation = services.certification_save(
        values={"standard": Standard.objects.get(code="DEKELA"), "stage": "granted",
                "granted_on": datetime.date(2025, 7, 23), "valid_until": None,
                "certificate_number": "SK 188.45/2025"},
        actor=verifier, kelurahan=kelurahan,
    )  # fmt: skip
    assert designation.facility is None and designation.kelurahan == kelurahan
    assert designation.valid_until is None


def test_an_agency_of_another_region_is_refused(register, dlh_operator, other_region):
    region = Region.objects.get(slug="balikpapan")
    with pytest.raises(ValidationError) as caught:
        services.facility_save(
            region=region,
            values={"facility_type": place_type(), "name": "Taman X",
                    "kelurahan": Kelurahan.objects.first(),
                    "agency": Agency.objects.get(region=other_region), "level": ""},
            actor=dlh_operator,
        )  # fmt: skip
    assert "agency" in caught.value.message_dict


def place_type():
    from facilities.models import FacilityType

    return FacilityType.objects.get(code="RUANG_BERMAIN")


def test_certificate_files_count_against_the_agencys_quota_the_replaced_one_freed(
    place, dlh_operator, settings, django_capture_on_commit_callbacks
):
    settings.EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD = 2 * len(PDF) + 1
    first = grant(place, dlh_operator, upload=upload(PDF, "a.pdf"))
    grant(place, dlh_operator, code="RBRA", upload=upload(PDF, "b.pdf"))
    with pytest.raises(ValidationError) as caught:
        grant(place, dlh_operator, upload=upload(PDF, "c.pdf"))
    assert "Kuota berkas sertifikat" in caught.value.message_dict["file"][0]
    assert Certification.objects.count() == 2
    # Replacing a file frees the old one's bytes: still within the quota.
    with django_capture_on_commit_callbacks(execute=True):
        services.certification_save(
            values={}, actor=dlh_operator, certification=first, version=first.version,
            upload=upload(PDF + b"2", "d.pdf"),
        )  # fmt: skip

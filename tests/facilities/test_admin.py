"""The register in DP3AKB's admin: scoped to the verifier's region, written through the services,
imported with a preview confirmed once, exported in the import's columns."""

import io

import pytest
from django.contrib.auth import get_user_model

from facilities.importing import HEADER
from facilities.models import Certification, Facility, FacilityType, Standard
from indicators.models import Agency, Kelurahan
from tests.conftest import PDF, upload
from tests.facilities.conftest import grant, make_place

IMPORT = "/admin/facilities/facility/import/"
CSV = ",".join(HEADER) + "\nRUANG_BERMAIN,Taman Kilo,64.71.01.1001,,DLH,,RBRA,proposed,,,\n"


@pytest.fixture
def other_verifier(other_region):
    return get_user_model().objects.get(username="verifikator.samarinda")


def test_verifiers_see_and_change_only_their_regions_places(
    client, verifier, other_verifier, place
):
    client.force_login(verifier)
    listing = client.get("/admin/facilities/facility/")
    assert list(listing.context["cl"].queryset) == [place]
    change = f"/admin/facilities/facility/{place.pk}/change/"
    assert client.get(change).status_code == 200
    assert client.get(f"/admin/facilities/facility/{place.pk}/history/").status_code == 200
    client.force_login(other_verifier)
    assert list(client.get("/admin/facilities/facility/").context["cl"].queryset) == []
    assert client.get(change).status_code == 302  # "does not exist", as for any other object
    assert client.get(f"/admin/facilities/facility/{place.pk}/history/").status_code == 404


def _facility_post(place, **extra):
    return {
        "region": place.region_id,
        "facility_type": place.facility_type_id,
        "name": place.name,
        "kelurahan": place.kelurahan_id,
        "level": "",
        "agency": place.agency_id,
        "address": "Jl. Baru",
        "active": "on",
        "seen_version": place.version,
        "reason": "Alamat dikoreksi",
        "certifications-TOTAL_FORMS": "0",
        "certifications-INITIAL_FORMS": "0",
        **extra,
    }


def test_a_verifier_edit_is_version_checked_and_audited_with_its_reason(client, verifier, place):
    client.force_login(verifier)
    change = f"/admin/facilities/facility/{place.pk}/change/"
    assert client.post(change, _facility_post(place)).status_code == 302
    place.refresh_from_db()
    assert place.address == "Jl. Baru" and place.version == 2
    record = place.history.first()
    assert (record.history_user, record.history_change_reason) == (verifier, "Alamat dikoreksi")
    stale = client.post(change, _facility_post(place, seen_version=1, address="Jl. Lama"))
    assert stale.status_code == 302
    place.refresh_from_db()
    assert place.address == "Jl. Baru"


def test_the_admin_refuses_an_agency_that_does_not_supply_the_type(client, verifier, place):
    client.force_login(verifier)
    dinkes = Agency.objects.get(code="DINKES")
    response = client.post(
        f"/admin/facilities/facility/{place.pk}/change/", _facility_post(place, agency=dinkes.pk)
    )
    assert response.status_code == 200
    assert "DLH, DPU" in str(response.context["adminform"].form.errors["agency"])


def test_a_verifier_adds_a_designation_with_its_file_in_the_admin(client, verifier, register):
    client.force_login(verifier)
    kelurahan = Kelurahan.objects.order_by("code").first()
    response = client.post(
        "/admin/facilities/certification/add/",
        {
            "kelurahan": kelurahan.pk,
            "standard": Standard.objects.get(code="DEKELA").pk,
            "stage": "granted",
            "certificate_number": "SK 188/2025",
            "granted_on": "2025-07-23",
            "certificate_file": upload(PDF, "sk.pdf"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    designation = Certification.objects.get()
    assert designation.kelurahan == kelurahan and designation.content_type == "application/pdf"
    page = client.get(f"/admin/facilities/certification/{designation.pk}/change/")
    assert f"/fasilitas/register/certificates/{designation.pk}/file/" in page.content.decode()


def test_the_other_regions_verifier_cannot_see_a_certificate(
    client, other_verifier, place, dlh_operator
):
    certification = grant(place, dlh_operator)
    client.force_login(other_verifier)
    assert list(client.get("/admin/facilities/certification/").context["cl"].queryset) == []
    page = client.get(f"/admin/facilities/certification/{certification.pk}/change/")
    assert page.status_code == 302


def _upload(client, region, content, name="register.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(IMPORT, {"region": region.pk, "file": file})


def test_the_admin_import_previews_then_confirms_once(client, verifier, register):
    client.force_login(verifier)
    region = Agency.objects.get(code="DLH").region
    preview = _upload(client, region, CSV.encode())
    assert preview.status_code == 200
    assert "tempat 1 baru" in preview.content.decode()
    assert not Facility.objects.exists()
    done = client.post(IMPORT, {"token": preview.context["token"]}, follow=True)
    assert "Impor selesai" in done.content.decode()
    assert Facility.objects.get().history.get().history_user == verifier
    again = client.post(IMPORT, {"token": preview.context["token"]})
    assert "sudah dikonfirmasi" in again.content.decode() or "berubah sejak" in (
        again.content.decode()
    )
    assert Facility.objects.count() == 1


def test_a_register_changed_since_the_preview_is_not_imported(
    client, verifier, register, dlh_operator
):
    client.force_login(verifier)
    region = Agency.objects.get(code="DLH").region
    preview = _upload(client, region, CSV.encode())
    make_place(dlh_operator, "Taman Kilo")  # someone registers it meanwhile
    refused = client.post(IMPORT, {"token": preview.context["token"]})
    assert "berubah sejak pratinjau" in refused.content.decode()
    assert not Certification.objects.exists()


def test_bad_rows_are_listed_in_the_admin(client, verifier, register):
    client.force_login(verifier)
    region = Agency.objects.get(code="DLH").region
    content = ",".join(HEADER) + "\nKOLAM,Kolam,64.71.01.1001,,DLH,,,,,,\n"
    response = _upload(client, region, content.encode())
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "type")]


def test_the_admin_export_is_formula_neutralised(client, verifier, place, dlh_operator):
    place.name = "=HYPERLINK(1)"
    place.save()
    client.force_login(verifier)
    response = client.get(
        "/admin/facilities/facility/export/", {"region": place.region_id, "format": "csv"}
    )
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_an_operator_has_no_admin_of_the_register(client, dlh_operator, register):
    client.force_login(dlh_operator)
    assert client.get("/admin/facilities/facility/").status_code == 302
    assert FacilityType.objects.exists()


def test_unticking_active_in_the_admin_closes_the_place_through_the_service(
    client, verifier, place
):
    client.force_login(verifier)
    data = _facility_post(place, closed_on="2026-01-15")
    del data["active"]
    assert client.post(f"/admin/facilities/facility/{place.pk}/change/", data).status_code == 302
    place.refresh_from_db()
    assert not place.active and str(place.closed_on) == "2026-01-15"
    assert place.history.first().history_change_reason == "Alamat dikoreksi"

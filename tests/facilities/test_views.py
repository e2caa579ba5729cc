"""The register in the portal: operators see and change only their agency's places."""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.models import Certification, Facility, FacilityType, Standard
from indicators.models import Kelurahan
from tests.conftest import PDF, PNG, upload
from tests.facilities.conftest import grant, make_place


def _kelurahan():
    return Kelurahan.objects.order_by("code").first()


def _add(client, name="Taman Tiga Generasi", **extra):
    return client.post(
        "/fasilitas/register/add/",
        {
            "facility_type": FacilityType.objects.get(code="RUANG_BERMAIN").pk,
            "name": name,
            "kelurahan": _kelurahan().pk,
            "address": "Jl. Jend. Sudirman",
            "latitude": "-1,2701",
            "longitude": "116.8331",
            **extra,
        },
    )


def test_an_operator_registers_a_place_of_their_agency(client, dlh_operator):
    client.force_login(dlh_operator)
    page = client.get("/fasilitas/register/add/")
    assert page.status_code == 200
    # Only the types DLH supplies are offered.
    offered = {t.code for t in page.context["form"].fields["facility_type"].queryset}
    assert offered == {"RUANG_BERMAIN"}
    response = _add(client)
    assert response.status_code == 302
    place = Facility.objects.get(name="Taman Tiga Generasi")
    assert place.agency.code == "DLH" and str(place.latitude) == "-1.270100"
    assert place.history.get().history_user == dlh_operator


def test_a_bad_coordinate_and_a_duplicate_are_refused_in_indonesian(client, dlh_operator, place):
    client.force_login(dlh_operator)
    response = _add(client, name="Taman Bekapai", latitude="1.2.3")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "derajat desimal" in errors["latitude"][0]
    assert "sudah terdaftar" in errors["name"][0]


def test_operators_see_only_their_agencys_places(client, dlh_operator, operator, place):
    make_place(operator, "Puskesmas Klandasan", type_code="PUSKESMAS", agency_code="DINKES")
    client.force_login(dlh_operator)
    listing = client.get("/fasilitas/register/")
    assert [p.name for p in listing.context["places"]] == ["Taman Bekapai"]
    client.force_login(operator)
    assert [p.name for p in client.get("/fasilitas/register/").context["places"]] == [
        "Puskesmas Klandasan"
    ]
    # Another agency's place is a 404: to read, change, close or certify.
    assert client.get(f"/fasilitas/register/{place.pk}/").status_code == 404
    assert (
        client.post(
            f"/fasilitas/register/{place.pk}/close/", {"closed_on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert client.get(f"/fasilitas/register/{place.pk}/certificates/add/").status_code == 404


def test_the_register_is_for_operators_only(client, verifier, gugus_tugas, register):
    for user in (verifier, gugus_tugas):
        client.force_login(user)
        assert client.get("/fasilitas/register/").status_code == 404
        assert client.get("/fasilitas/register/add/").status_code == 404


def test_an_edit_at_an_old_version_conflicts_and_keeps_the_newer_data(client, dlh_operator, place):
    client.force_login(dlh_operator)
    base = {
        "facility_type": place.facility_type_id,
        "name": place.name,
        "kelurahan": place.kelurahan_id,
        "version": 1,
    }
    assert (
        client.post(f"/fasilitas/register/{place.pk}/", {**base, "address": "A"}).status_code == 302
    )
    response = client.post(f"/fasilitas/register/{place.pk}/", {**base, "address": "B"})
    assert response.status_code == 400
    assert "diubah orang lain" in response.content.decode()
    place.refresh_from_db()
    assert place.address == "A"


def test_closing_a_place_from_the_list(client, dlh_operator, place):
    client.force_login(dlh_operator)
    response = client.post(f"/fasilitas/register/{place.pk}/close/", {"closed_on": "2026-01-31",
                                                            "version": 1})  # fmt: skip
    assert response.status_code == 302
    place.refresh_from_db()
    assert not place.active and place.closed_on == datetime.date(2026, 1, 31)
    future = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    client.post(f"/fasilitas/register/{place.pk}/close/", {"closed_on": future, "version": 2})
    place.refresh_from_db()
    assert place.closed_on == datetime.date(2026, 1, 31)


def test_a_certificate_with_its_pdf_is_added_and_downloaded_only_by_those_who_may(
    client, dlh_operator, operator, verifier, place, other_region
):
    client.force_login(dlh_operator)
    response = client.post(
        f"/fasilitas/register/{place.pk}/certificates/add/",
        {
            "standard": Standard.objects.get(code="RBRA").pk,
            "stage": "granted",
            "certificate_number": "RBRA/0012/2025",
            "granted_on": "2025-03-01",
            "valid_until": "2028-02-29",
            "file": upload(PDF, "sertifikat rbra.pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certification = Certification.objects.get()
    assert certification.valid_until == datetime.date(2028, 2, 29)
    url = f"/fasilitas/register/certificates/{certification.pk}/file/"
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download["Content-Security-Policy"]
    for user, status in ((operator, 404), (verifier, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_disguised_file_is_refused_on_the_form(client, dlh_operator, place):
    client.force_login(dlh_operator)
    response = client.post(
        f"/fasilitas/register/{place.pk}/certificates/add/",
        {
            "standard": Standard.objects.get(code="RBRA").pk,
            "stage": "granted",
            "granted_on": "2025-03-01",
            "file": upload(b"<svg onload=alert(1)>", "sertifikat.pdf"),
        },
    )
    assert response.status_code == 400
    assert "tidak dikenali" in response.context["form"].errors["file"][0]
    assert not Certification.objects.exists()


def test_changing_a_certificate_at_its_version(client, dlh_operator, place):
    certification = grant(place, dlh_operator, upload=upload(PNG, "foto.png"))
    client.force_login(dlh_operator)
    form = client.get(f"/fasilitas/register/certificates/{certification.pk}/").content.decode()
    assert 'value="2025-03-01"' in form  # an ISO date, which a date input shows
    data = {
        "standard": certification.standard_id,
        "stage": "revoked",
        "granted_on": "2025-03-01",
        "version": certification.version,
    }
    assert (
        client.post(f"/fasilitas/register/certificates/{certification.pk}/", data).status_code
        == 302
    )
    certification.refresh_from_db()
    assert certification.stage == "revoked" and certification.file  # the file stays
    stale = client.post(f"/fasilitas/register/certificates/{certification.pk}/", data)
    assert stale.status_code == 400


def test_the_operator_home_links_to_the_register_and_shows_expiring_certificates(
    client, dlh_operator, place, settings
):
    settings.FACILITY_EXPIRY_ALERT_DAYS = 90
    today = datetime.date.today()
    grant(place, dlh_operator, granted_on=today - datetime.timedelta(days=300),
          valid_until=today + datetime.timedelta(days=30))  # fmt: skip
    client.force_login(dlh_operator)
    page = client.get("/").content.decode()
    assert 'href="/fasilitas/register/?agency=DLH"' in page
    assert "1 sertifikat fasilitas berakhir dalam 90 hari" in page
    assert "Taman Bekapai" in page


def test_the_register_export_holds_only_the_agencys_places(client, dlh_operator, operator, place):
    make_place(operator, "Puskesmas Klandasan", type_code="PUSKESMAS", agency_code="DINKES")
    grant(place, dlh_operator)
    client.force_login(dlh_operator)
    response = client.get("/fasilitas/register/export/?format=csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("type,name,kelurahan,level,agency")
    assert "Taman Bekapai" in text and "Puskesmas" not in text
    assert "RBRA,granted,,2025-03-01," in text


def _page_queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_register_page_costs_the_same_queries_for_few_or_many_places(
    client, dlh_operator, register
):
    client.force_login(dlh_operator)
    grant(make_place(dlh_operator, "Taman 0"), dlh_operator)
    few = _page_queries(client, "/fasilitas/register/")
    for number in range(1, 9):
        grant(make_place(dlh_operator, f"Taman {number}"), dlh_operator)
    # session, user, groups, agencies, places, their certificates, expiring ones
    assert _page_queries(client, "/fasilitas/register/") == few <= 8

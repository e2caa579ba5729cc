"""Field-visit sites (lokus): their rules, DP3AKB's admin, and the printable one-page plan."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities import visits
from facilities.models import Facility, FacilityType, FieldVisitCheck, FieldVisitSite
from facilities.services import RegisterConflict
from indicators.models import Agency, Kecamatan, Kelurahan, Period

PLAN = "/fasilitas/lokus/"


def at(hour, minute=0, day=10):
    """A time on a day of the visit, in Asia/Makassar (WITA)."""
    return timezone.make_aware(datetime.datetime(2026, 8, day, hour, minute))


def values(**changes):
    base = {
        "name": "Puskesmas Klandasan Ilir",
        "facility": None,
        "address": "Jl. Jenderal Sudirman 1",
        "kelurahan": None,
        "contact_name": "Ibu Rina",
        "contact_phone": "0812-3456-7890",
        "starts_at": at(9),
        "ends_at": at(10),
        "backup_site": None,
        "backup_facility": None,
        "notes": "",
    }
    return {**base, **changes}


def save(period, actor=None, **changes):
    return visits.site_save(period=period, values=values(**changes), actor=actor)


@pytest.fixture
def period(register):
    return register.period


@pytest.fixture
def samarinda_place(register, other_region):
    kecamatan = Kecamatan.objects.create(region=other_region, code="01", name="Samarinda Kota")
    kelurahan = Kelurahan.objects.create(kecamatan=kecamatan, code="64.72.01.1001", name="Pasar")
    Agency.objects.create(region=other_region, code="DLH", name="DLH Samarinda")
    return Facility.objects.create(
        region=other_region,
        facility_type=FacilityType.objects.get(code="RUANG_BERMAIN"),
        name="Taman Samarendah",
        kelurahan=kelurahan,
        agency=Agency.objects.get(region=other_region, code="DLH"),
    )


# ---- rules ----------------------------------------------------------------------------------


def test_a_site_is_saved_in_wita_with_its_register_place(period, place, verifier):
    site = save(period, verifier, facility=place, kelurahan=place.kelurahan)
    site.refresh_from_db()
    assert site.facility == place
    assert timezone.localtime(site.starts_at).hour == 9
    assert str(timezone.localtime(site.starts_at).tzinfo) == "Asia/Makassar"
    assert site.updated_by == verifier
    assert site.history.count() == 1


def test_the_slot_must_end_after_it_starts(period):
    with pytest.raises(ValidationError) as refused:
        save(period, starts_at=at(10), ends_at=at(10))
    assert "sesudah waktu mulai" in refused.value.message_dict["ends_at"][0]


@pytest.mark.parametrize(
    ("second", "clash"),
    [
        ({"starts_at": at(9, 30), "ends_at": at(11)}, True),  # overlaps half an hour
        ({"starts_at": at(8), "ends_at": at(12)}, True),  # contains the first
        ({"starts_at": at(10), "ends_at": at(11)}, False),  # starts when the first ends
        ({"starts_at": at(8), "ends_at": at(9)}, False),  # ends when the first starts
        # the same person by another spelling of the same number
        (
            {
                "starts_at": at(9, 30),
                "ends_at": at(11),
                "contact_name": "Rina S.",
                "contact_phone": "+62 812 3456 7890",
            },
            True,
        ),  # fmt: skip
        (
            {
                "starts_at": at(9, 30),
                "ends_at": at(11),
                "contact_name": "Pak Andi",
                "contact_phone": "0811 000 111",
            },
            False,
        ),  # fmt: skip
    ],
)
def test_one_person_is_never_at_two_sites_at_once(period, second, clash):
    save(period)
    if clash:
        with pytest.raises(ValidationError) as refused:
            save(period, name="Taman Bekapai", **second)
        message = refused.value.message_dict["starts_at"][0]
        assert "Puskesmas Klandasan Ilir" in message
        assert "bertumpang tindih" in message
    else:
        assert save(period, name="Taman Bekapai", **second).pk
    assert FieldVisitSite.objects.count() == (1 if clash else 2)


def test_a_site_is_not_its_own_backup(period, verifier):
    site = save(period)
    with pytest.raises(ValidationError) as refused:
        visits.site_save(
            period=period,
            values=values(backup_site=site),
            actor=verifier,
            site=site,
            version=site.version,
        )
    assert "dirinya sendiri" in refused.value.message_dict["backup_site"][0]


def test_the_backup_is_another_site_of_the_same_period_or_a_place(period, place, demo):
    last_year = Period.objects.filter(region=period.region).exclude(pk=period.pk).first()
    old = save(last_year, name="Lokus lama", starts_at=at(9, day=1), ends_at=at(10, day=1))
    with pytest.raises(ValidationError) as refused:
        save(period, backup_site=old)
    assert "periode yang sama" in refused.value.message_dict["backup_site"][0]
    other = save(period, name="Taman Bekapai", contact_name="Pak Andi", contact_phone="0811")
    with pytest.raises(ValidationError) as refused:
        save(period, backup_site=other, backup_facility=place, starts_at=at(13), ends_at=at(14))
    assert "satu cadangan" in refused.value.message_dict["backup_facility"][0]
    with pytest.raises(ValidationError) as refused:
        save(period, facility=place, backup_facility=place, starts_at=at(13), ends_at=at(14))
    assert "tempat lain" in refused.value.message_dict["backup_facility"][0]
    site = save(period, backup_site=other, starts_at=at(13), ends_at=at(14))
    assert site.backup_name == "Taman Bekapai"


def test_places_of_another_region_are_refused(period, samarinda_place):
    with pytest.raises(ValidationError) as refused:
        save(
            period,
            facility=samarinda_place,
            backup_facility=samarinda_place,
            kelurahan=samarinda_place.kelurahan,
        )
    problems = refused.value.message_dict
    assert "bukan milik wilayah" in problems["facility"][0]
    assert "bukan milik wilayah" in problems["backup_facility"][0]
    assert "bukan bagian wilayah" in problems["kelurahan"][0]


def test_a_racing_write_conflicts_instead_of_overwriting(period, verifier):
    site = save(period)
    seen = site.version
    visits.site_save(
        period=period, values=values(notes="pertama"), actor=verifier, site=site, version=seen
    )
    with pytest.raises(RegisterConflict):
        visits.site_save(
            period=period, values=values(notes="kedua"), actor=verifier, site=site, version=seen
        )
    site.refresh_from_db()
    assert site.notes == "pertama"


# ---- the admin ------------------------------------------------------------------------------


def admin_form(period, **changes):
    data = {
        "period": period.pk,
        "name": "Sekolah Ramah Anak SDN 001",
        "address": "Jl. Ahmad Yani",
        "contact_name": "Bu Sari",
        "contact_phone": "0813 222 333",
        "starts_at_0": "10-08-2026",
        "starts_at_1": "13:00",
        "ends_at_0": "10-08-2026",
        "ends_at_1": "14:00",
        "notes": "",
        "checks-TOTAL_FORMS": "2",
        "checks-INITIAL_FORMS": "0",
        "checks-MIN_NUM_FORMS": "0",
        "checks-MAX_NUM_FORMS": "1000",
        "checks-0-order": "1",
        "checks-0-label": "Ruang pertemuan Forum Anak",
        "checks-0-done": "on",
        "checks-1-order": "2",
        "checks-1-label": "Sambungan video ke kementerian",
    }
    return {**data, **changes}


def test_verifier_adds_a_site_with_its_checklist_in_the_admin(client, period, verifier):
    client.force_login(verifier)
    page = client.get("/admin/facilities/fieldvisitsite/add/")
    assert page.status_code == 200
    response = client.post("/admin/facilities/fieldvisitsite/add/", admin_form(period))
    assert response.status_code == 302, response.context["adminform"].form.errors
    site = FieldVisitSite.objects.get()
    assert timezone.localtime(site.starts_at).hour == 13
    assert [(c.label, c.done) for c in site.checks.all()] == [
        ("Ruang pertemuan Forum Anak", True),
        ("Sambungan video ke kementerian", False),
    ]


def test_admin_shows_the_rule_beside_the_field(client, period, verifier):
    client.force_login(verifier)
    response = client.post(
        "/admin/facilities/fieldvisitsite/add/", admin_form(period, ends_at_1="12:00")
    )
    assert response.status_code == 200
    assert "Waktu selesai harus sesudah waktu mulai." in response.content.decode()
    assert not FieldVisitSite.objects.exists()


def test_verifier_of_another_region_never_sees_the_site(client, period, other_region):
    site = save(period)
    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    assert client.get(f"/admin/facilities/fieldvisitsite/{site.pk}/change/").status_code == 302
    listing = client.get("/admin/facilities/fieldvisitsite/").content.decode()
    assert "Puskesmas Klandasan Ilir" not in listing


def test_admin_refuses_a_stale_page(client, period, verifier):
    site = save(period)
    visits.site_save(period=period, values=values(notes="x"), actor=verifier, site=site)
    client.force_login(verifier)
    form = admin_form(period, seen_version="1", **{"checks-TOTAL_FORMS": "0"})
    response = client.post(f"/admin/facilities/fieldvisitsite/{site.pk}/change/", form)
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "Puskesmas Klandasan Ilir"  # not overwritten by the stale page


def test_an_existing_site_keeps_its_period_and_a_closed_place_it_names(
    client, period, place, verifier
):
    """Editing a site never loses the form to a refused period change, and a place closed
    since it was linked stays a valid choice; backups are named with their year."""
    site = save(period, facility=place)
    Facility.objects.filter(pk=place.pk).update(active=False)
    client.force_login(verifier)
    url = f"/admin/facilities/fieldvisitsite/{site.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "period" not in form.fields  # read only once the site exists
    assert place in form.fields["facility"].queryset
    assert form.fields["backup_site"].label_from_instance(site) == f"{site.name} · {period.year}"
    data = admin_form(period, seen_version=str(site.version), facility=str(place.pk))
    data.pop("period")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    site.refresh_from_db()
    assert site.name == "Sekolah Ramah Anak SDN 001" and site.period == period


# ---- the printable plan ---------------------------------------------------------------------


def test_the_plan_lists_sites_in_time_order_with_checklists_and_backups(
    client, period, place, verifier
):
    later = save(period, name="Taman Bekapai", starts_at=at(13), ends_at=at(14, 30))
    first = save(period, backup_site=later, facility=place)
    FieldVisitCheck.objects.create(site=first, label="Papan informasi KLA", done=True, order=1)
    FieldVisitCheck.objects.create(site=first, label="Daftar hadir", order=2)
    client.force_login(verifier)
    page = client.get(PLAN).content.decode()
    assert page.index("Puskesmas Klandasan Ilir") < page.index(f'id="site-{later.pk}"')
    assert "09:00–10:00 WITA" in page
    assert "13:00–14:30 WITA" in page
    assert "1 dari 2 siap" in page
    assert "Cadangan: Taman Bekapai" in page
    assert 'href="tel:0812-3456-7890"' in page
    assert "visit_plan.css" in page


def test_the_plan_is_scoped_like_the_dashboard(client, period, operator, other_region):
    save(period)
    client.force_login(operator)
    assert client.get(PLAN).status_code == 403
    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    assert client.get(PLAN + "?region=balikpapan").status_code == 404
    client.logout()
    assert client.get(PLAN).status_code == 302


def test_the_plan_costs_the_same_queries_for_two_sites_or_twelve(client, period, verifier):
    client.force_login(verifier)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PLAN).status_code == 200
        return len(queries)

    for n in range(2):
        site = save(period, name=f"Lokus {n}", contact_phone=f"08110000{n}", contact_name=str(n))
        FieldVisitCheck.objects.create(site=site, label="Siap", order=1)
    small = count()
    for n in range(2, 12):
        site = save(period, name=f"Lokus {n}", contact_phone=f"0811000{n:02}", contact_name=str(n))
        FieldVisitCheck.objects.create(site=site, label="Siap", order=1)
    assert count() == small


def test_a_slot_that_ends_on_another_day_says_which(client, period, verifier):
    save(period, starts_at=at(20), ends_at=at(8) + datetime.timedelta(days=1))
    client.force_login(verifier)
    slot = client.get(PLAN).content.decode().split('class="slot">')[1].split("</span>")[0]
    start, end = slot.split("–")
    assert start.endswith(" 10 Agu, 20:00")  # Senin 10 Agustus 2026, WITA
    assert end.endswith(" 11 Agu, 08:00 WITA")  # the next morning, not "08:00" the same day

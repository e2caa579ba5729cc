"""`seed_demo`: the demo city, its users and periods, idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from indicators import roles
from indicators.models import (
    Agency,
    Assignment,
    Kecamatan,
    Kelurahan,
    Period,
    Region,
    Submission,
)


def authenticate(username, password):
    user = get_user_model().objects.get(username=username)
    return user if user.check_password(password) else None


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_needs_the_framework_first():
    with pytest.raises(CommandError, match="load_framework"):
        seed()


def test_seed_demo_creates_city_agencies_users_and_an_open_period(framework):
    out = seed("--without-values", "--password", "demo-pass-123")
    region = Region.objects.get(slug="balikpapan")
    assert Kecamatan.objects.filter(region=region).count() == 6
    assert Agency.objects.filter(region=region).count() == 17
    assert Assignment.objects.filter(item__code="IV.19.a").count() == 2
    period = Period.objects.get(region=region, locked=False)
    assert period.is_open_for_entry()
    assert Submission.objects.count() == 0
    user = authenticate(username="operator.dinkes", password="demo-pass-123")
    assert user is not None and roles.is_operator(user)
    assert user.agencies.get().code == "DINKES"
    assert roles.is_verifier(get_user_model().objects.get(username="verifikator"))
    assert get_user_model().objects.get(username="admin").is_superuser
    assert "operator.kesbangpol" in out


def test_seed_demo_prints_a_random_password_once_and_is_idempotent(framework):
    first = seed()
    password = first.split("Kata sandi pengguna demo baru: ")[1].split()[0]
    assert authenticate(username="gugustugas", password=password)
    counts = (Submission.objects.count(), get_user_model().objects.count())
    second = seed()
    assert "tidak diubah" in second and password not in second
    assert (Submission.objects.count(), get_user_model().objects.count()) == counts
    assert authenticate(username="gugustugas", password=password)


def test_seed_demo_fills_a_believable_partly_done_year(demo_with_values):
    statuses = set(
        Submission.objects.filter(period=demo_with_values.period).values_list("status", flat=True)
    )
    assert statuses == {"draft", "submitted", "returned", "approved"}
    previous = Period.objects.get(year=demo_with_values.period.year - 1)
    assert previous.locked and previous.official.category == "Utama"


def test_seed_demo_places_the_34_kelurahan_under_their_kecamatan_with_kemendagri_codes(
    framework,
):
    seed("--without-values")
    seed("--without-values")
    region = Region.objects.get(slug="balikpapan")
    assert region.kemendagri_code == "64.71"
    timur = Kecamatan.objects.get(region=region, code="BPP-TIMUR")
    assert timur.kemendagri_code == "64.71.01"
    assert Kelurahan.objects.filter(kecamatan__region=region).count() == 34
    manggar = Kelurahan.objects.get(code="64.71.01.1001")
    assert (manggar.name, manggar.kecamatan) == ("Manggar", timur)
    for kecamatan in Kecamatan.objects.filter(region=region):
        assert kecamatan.kelurahan.count() == kecamatan.kelurahan_count

"""load_regions: Kemendagri's list from idn-area-data, by province, idempotent."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Kecamatan, Kelurahan, Region
from indicators.services.areas import package_directory

FIXTURE = Path(__file__).parent / "idn_area_data"  # a small copy of the package's data/


def _load(**options):
    out = io.StringIO()
    call_command("load_regions", source=str(FIXTURE), stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_a_province_loads_its_regions_kecamatan_and_kelurahan_once():
    assert "2 kabupaten/kota, 7 kecamatan, 36 kelurahan/desa" in _load(province="64")
    balikpapan = Region.objects.get(kemendagri_code="64.71")
    assert (balikpapan.slug, balikpapan.name, balikpapan.province) == (
        "kota-balikpapan",
        "Kota Balikpapan",
        "Kalimantan Timur",
    )
    assert Kecamatan.objects.get(kemendagri_code="64.71.06").kelurahan_count == 5
    assert Kelurahan.objects.get(code="64.71.01.1001").name == "Manggar"
    assert not Region.objects.filter(kemendagri_code="11.01").exists()
    assert "0 kabupaten/kota, 0 kecamatan, 0 kelurahan/desa" in _load(province="Kalimantan Timur")
    assert "1 kabupaten/kota, 1 kecamatan, 2 kelurahan/desa" in _load()


def test_the_demo_city_keeps_its_own_codes_and_names(demo):
    before = Kecamatan.objects.filter(region=demo.region).count()
    assert "1 kabupaten/kota, 1 kecamatan, 2 kelurahan/desa" in _load(province="64")
    assert Region.objects.get(kemendagri_code="64.71").slug == "balikpapan"
    assert Kecamatan.objects.filter(region=demo.region).count() == before
    assert Kelurahan.objects.filter(kecamatan__region=demo.region).count() == 34


@pytest.mark.django_db
def test_an_unknown_province_or_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Provinsi 'Atlantis'"):
        _load(province="Atlantis")
    with pytest.raises(CommandError, match="provinces.csv"):
        call_command("load_regions", source=str(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Versi"):
        call_command("load_regions", package_version="latest;rm", stdout=io.StringIO())


@pytest.mark.skipif(
    not os.environ.get("KLA_TEST_NPM"), reason="set KLA_TEST_NPM=1 to fetch from the npm registry"
)
@pytest.mark.django_db
def test_the_real_package_from_npm(tmp_path):
    directory = package_directory(cache=tmp_path)
    out = io.StringIO()
    call_command("load_regions", source=str(directory), province="64", stdout=out)
    assert Kelurahan.objects.filter(code__startswith="64.71.").count() == 34
    assert Region.objects.filter(province="Kalimantan Timur").count() == 10

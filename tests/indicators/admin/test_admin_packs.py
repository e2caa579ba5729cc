"""Verification packs in the admin: start, progress, download, scoped to the region."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from indicators.models import Submission, VerificationPack
from tests.conftest import make_ready, make_submission

S = Submission.Status
P = VerificationPack.Status
LIST = "/admin/indicators/verificationpack/"
BUILD = LIST + "build/"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


@pytest.fixture
def approved(demo):
    return make_ready(make_submission(demo.period, "DINKES", "III.12.a", status=S.APPROVED))


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


@pytest.fixture
def post_build(django_capture_on_commit_callbacks):
    def post(client, period, **fields):
        data = {"period": period.pk, "scope": "approved", "cluster": "", "agency": "", "item": ""}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(BUILD, {**data, **fields})

    return post


def test_a_verifier_starts_a_pack_sees_its_progress_and_downloads_it(
    verifier_client, demo, approved, post_build
):
    page = verifier_client.get(BUILD)
    assert page.status_code == 200 and "Mulai buat paket" in page.content.decode()
    response = post_build(verifier_client, demo.period)
    pack = VerificationPack.objects.get()
    assert response.status_code == 302 and response.url == f"{LIST}{pack.pk}/change/"
    detail = verifier_client.get(response.url).content.decode()
    assert 'data-status="done"' in detail and "100 %" in detail
    assert "Pembuatan paket" in detail  # the message that it started
    download = verifier_client.get(f"{LIST}{pack.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "paket-verifikasi-balikpapan" in download["Content-Disposition"]
    assert "private, no-store" in download["Cache-Control"]
    assert download["X-Content-Type-Options"] == "nosniff"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "SHA256SUMS" in archive.namelist()
    listing = verifier_client.get(LIST).content.decode()
    assert "kla-pack-download" in listing and "verifikator" in listing


@override_settings(TASKS=DATABASE_TASKS)
def test_a_queued_pack_refreshes_its_page_and_a_second_start_goes_to_it(
    verifier_client, demo, approved, post_build
):
    first = post_build(verifier_client, demo.period)
    pack = VerificationPack.objects.get()
    assert pack.status == P.QUEUED
    page = verifier_client.get(first.url).content.decode()
    assert 'http-equiv="refresh"' in page and 'data-status="queued"' in page
    assert 'http-equiv="refresh"' in verifier_client.get(LIST).content.decode()
    again = post_build(verifier_client, demo.period)
    assert again.status_code == 302 and again.url == first.url
    assert VerificationPack.objects.count() == 1
    followed = verifier_client.get(again.url).content.decode()
    assert "sudah dimulai" in followed
    # Not done yet: nothing to download.
    assert verifier_client.get(f"{LIST}{pack.pk}/download/").status_code == 404


def test_a_bad_code_is_refused_with_a_message(verifier_client, demo, post_build):
    response = post_build(verifier_client, demo.period, item="Z.9.z")
    assert response.status_code == 200
    assert "Kode butir &#x27;Z.9.z&#x27; tidak dikenal" in response.content.decode()
    assert not VerificationPack.objects.exists()


def test_another_regions_pack_is_a_404_and_not_listed(
    client, demo, approved, other_region, verifier, post_build
):
    client.force_login(verifier)
    post_build(client, demo.period)
    pack = VerificationPack.objects.get()
    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    assert client.get(f"{LIST}{pack.pk}/download/").status_code == 404
    assert client.get(f"{LIST}{pack.pk}/change/").status_code == 302
    assert f"{LIST}{pack.pk}/" not in client.get(LIST).content.decode()
    # Nor can they build one of a period that is not theirs: it is not a choice.
    response = post_build(client, demo.period)
    assert response.status_code == 200 and VerificationPack.objects.count() == 1


def test_operators_and_gugus_tugas_never_reach_packs(client, operator, gugus_tugas, demo):
    for user in (operator, gugus_tugas):
        client.force_login(user)
        for url in (LIST, BUILD, f"{LIST}1/download/"):
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response.url


def test_an_expired_pack_cannot_be_downloaded(verifier_client, demo, approved, post_build):
    post_build(verifier_client, demo.period)
    pack = VerificationPack.objects.get()
    VerificationPack.objects.filter(pk=pack.pk).update(expires_at=pack.built_at)
    assert verifier_client.get(f"{LIST}{pack.pk}/download/").status_code == 404


def test_too_many_agencies_to_list_are_typed_as_a_code(
    client, demo, approved, superuser, post_build, monkeypatch
):
    from indicators.admin import packs as pack_admin

    client.force_login(superuser)
    assert 'select name="agency"' in client.get(BUILD).content.decode()
    monkeypatch.setattr(pack_admin, "AGENCY_CHOICES", 3)
    page = client.get(BUILD).content.decode()
    assert 'input type="text" name="agency"' in page and "Kode OPD, mis. DLH" in page
    post_build(client, demo.period, agency="dinkes")
    assert VerificationPack.objects.get().agency == "DINKES"

"""Every portal page is private to its reader, and a refused request is one line in the log."""

import logging

import pytest

from indicators.models import Submission
from tests.conftest import attach_evidence


@pytest.fixture
def evidence(demo_with_values, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    submission = Submission.objects.filter(agency__code="DINKES").order_by("pk").first()
    return attach_evidence(submission)


def pages(evidence):
    code = evidence.submission.item.code
    return {
        "operator.dinkes": ["/", f"/items/{code}/", f"/evidence/{evidence.pk}/"],
        "gugustugas": ["/", "/dashboard/", "/dashboard/export.xlsx"],
        "verifikator": ["/", "/dashboard/", f"/evidence/{evidence.pk}/"],
    }


def test_portal_pages_exports_and_downloads_are_never_stored_by_a_cache(
    client, evidence, django_user_model
):
    for username, urls in pages(evidence).items():
        client.force_login(django_user_model.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "private, no-store", url


def test_the_login_page_and_a_refusal_are_private_too(client, demo):
    login = client.get("/accounts/login/")["Cache-Control"]  # Django's never_cache, stricter
    assert "private" in login and "no-store" in login
    assert client.get("/items/%00/")["Cache-Control"] == "private, no-store"


def test_admin_and_health_keep_their_own_cache_headers(client, verifier):
    client.force_login(verifier)
    assert "no-store" in client.get("/admin/")["Cache-Control"]  # Django's never_cache
    assert "max-age=0" in client.get("/healthz")["Cache-Control"]


def _refusal_records(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_403_is_logged_in_one_line_without_a_traceback(client, operator, caplog):
    client.force_login(operator)
    with caplog.at_level(logging.INFO):
        response = client.get("/dashboard/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403
    records = _refusal_records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    (record,) = records
    assert record.exc_info is None
    assert record.getMessage() == f"403 GET /dashboard/ user={operator.pk} client=10.1.2.3"
    assert (record.user_id, record.client, record.status_code) == (operator.pk, "10.1.2.3", 403)
    assert "Anda tidak memiliki izin" in response.content.decode()  # the portal's 403 page


def test_a_refusal_behind_a_trusted_proxy_names_the_client_not_the_proxy(
    client, operator, caplog, settings
):
    from kla_portal.client_address import trusted_proxies_parse

    settings.TRUSTED_PROXIES = trusted_proxies_parse("10.0.0.1")
    client.force_login(operator)
    with caplog.at_level(logging.INFO):
        client.get("/dashboard/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    (record,) = _refusal_records(caplog)
    assert record.getMessage().endswith("client=203.0.113.7")


def test_a_nul_in_the_address_is_logged_in_one_line_and_answered_with_a_page(client, demo, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/items/%00/")
    assert response.status_code == 400
    (record,) = _refusal_records(caplog)
    assert record.exc_info is None
    assert record.getMessage() == "400 GET /items/\x00/ user=None client=127.0.0.1"
    assert "Permintaan tidak dapat dibaca" in response.content.decode()


def test_an_export_with_filters_it_cannot_read_is_a_400_in_one_line(client, verifier, caplog):
    client.force_login(verifier)
    with caplog.at_level(logging.INFO):
        response = client.get("/admin/indicators/submission/export/", {"nonsense": "1"})
    assert response.status_code == 400
    (record,) = _refusal_records(caplog)
    assert record.exc_info is None
    assert record.status_code == 400

"""Evidence on S3-compatible storage: real objects in a local S3 server (moto, loopback)."""

import uuid

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from django.core.files.storage import storages

from indicators.models import Evidence
from kla_portal.settings import evidence_s3_storage
from tests.production.conftest import PDF, evidence_for

KEYS = {"access_key": "kla-test", "secret_key": "kla-test-secret"}
REGION = "us-east-1"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, with the `evidence` storage (and Evidence.file) pointed at it."""
    bucket = f"kla-evidence-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=bucket)
    settings.EVIDENCE_S3_BUCKET = bucket
    # Changing STORAGES resets Django's storage handler, so storages["evidence"] is rebuilt.
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": evidence_s3_storage(
            bucket=bucket, endpoint_url=s3_endpoint, region_name=REGION, **KEYS
        ),
    }
    # FileField resolves its storage callable once, when the model class is built.
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storages["evidence"])
    client.bucket = bucket
    return client


def keys(s3):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=s3.bucket).get("Contents", [])]


def test_the_evidence_alias_is_s3_with_private_objects_and_short_links(s3):
    storage = storages["evidence"]
    assert type(storage).__name__ == "S3Storage"
    assert storage.bucket_name == s3.bucket
    assert storage.default_acl == "private" and storage.querystring_auth
    assert storage.querystring_expire == 300


def test_evidence_saved_through_the_model_is_a_private_object_in_the_bucket(s3, draft):
    evidence = evidence_for(draft)
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
    assert keys(s3) == [evidence.file.name]
    head = s3.head_object(Bucket=s3.bucket, Key=evidence.file.name)
    assert head["ContentLength"] == len(PDF)
    grants = s3.get_object_acl(Bucket=s3.bucket, Key=evidence.file.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]


def test_evidence_opens_for_download_from_s3(s3, draft):
    stored = evidence_for(draft)
    evidence = Evidence.objects.get(pk=stored.pk)
    with evidence.file.open("rb") as handle:
        assert handle.read() == PDF


def test_an_unsigned_url_is_refused_and_the_signed_one_expires_in_five_minutes(s3, draft):
    evidence = evidence_for(draft)
    url = evidence.file.url
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    assert requests.get(url, timeout=10).content == PDF
    assert requests.get(url.split("?")[0], timeout=10).status_code == 403


def test_deleting_evidence_removes_the_object(s3, draft):
    evidence = evidence_for(draft)
    name = evidence.file.name
    evidence.file.delete(save=False)
    evidence.delete()
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=s3.bucket, Key=name)
    assert error.value.response["Error"]["Code"] == "404"
    assert keys(s3) == []


def test_two_uploads_of_one_name_never_overwrite_each_other(s3, draft):
    first, second = evidence_for(draft, b"%PDF-1 first"), evidence_for(draft, b"%PDF-1 second")
    assert first.file.name != second.file.name
    assert sorted(keys(s3)) == sorted([first.file.name, second.file.name])


def test_healthz_checks_the_bucket_when_s3_is_configured(s3, client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    s3.delete_bucket(Bucket=s3.bucket)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "error"


def test_the_verification_pack_streams_from_s3_and_leaves_out_a_changed_object(
    s3, demo, verifier, monkeypatch, django_capture_on_commit_callbacks
):
    import io
    import zipfile

    from indicators.models import Submission, VerificationPack
    from indicators.selectors.packs import Filters
    from indicators.services import packs
    from tests.conftest import attach_evidence, make_submission

    monkeypatch.setattr(VerificationPack._meta.get_field("file"), "storage", storages["evidence"])
    assert storages["evidence"].max_memory_size == 2 * 1024 * 1024
    submission = make_submission(demo.period, "DLH", "II.11.a", status=Submission.Status.APPROVED)
    kept = attach_evidence(submission, name="Sertifikat RBRA.pdf", content=PDF + b"kept")
    changed = attach_evidence(submission, name="Foto.pdf", content=PDF + b"original")
    s3.put_object(Bucket=s3.bucket, Key=changed.file.name, Body=PDF + b"changed in the bucket")
    with django_capture_on_commit_callbacks(execute=True):
        pack = packs.pack_request(period=demo.period, filters=Filters(), actor=verifier)
    pack.refresh_from_db()
    assert pack.status == "done", pack.error
    assert pack.file.name.startswith("packs/") and pack.file.name in keys(s3)
    assert [x["evidence"] for x in pack.left_out] == [changed.pk]
    with pack.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    files = [n for n in archive.namelist() if "/" in n]
    assert files == ["II/II.11/II.11.a/DLH/01-sertifikat-rbra.pdf"]
    assert (
        archive.read(files[0]) == PDF + b"kept"
        and kept.sha256 in archive.read("SHA256SUMS").decode()
    )

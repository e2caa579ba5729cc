"""Shared fixtures: the bundled framework, the demo city, and the four kinds of visitor."""

import datetime
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from clusters.models import Item
from clusters.services import bundled_editions, framework_load
from indicators import roles
from indicators.models import Agency, Evidence, Region, Submission
from indicators.seeding.demo import demo_seed
from indicators.selectors.workspace import submission_for
from indicators.services import workflow
from kla_portal import versioned_cache

PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n% Portal KLA test evidence\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def attach_evidence(
    submission, *, name="bukti.pdf", content=PDF, content_type="application/pdf"
) -> Evidence:
    """An Evidence row whose file is saved through the model field, as uploads are."""
    evidence = Evidence(
        submission=submission,
        original_name=name,
        title=name,
        kind=Evidence.Kind.PHOTO if content_type.startswith("image/") else Evidence.Kind.DOCUMENT,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    evidence.file.save(name, ContentFile(content), save=True)
    return evidence


def attach_document(submission, code, *, dated=None, valid_until=None, content=None, name=None):
    """A file on the submission that claims to be its item's document `code` (dated a month
    before the reference date unless told)."""
    from clusters.models import EvidenceRequirement

    requirement = EvidenceRequirement.objects.get(item=submission.item, code=code)
    content = content or PDF + f"{submission.pk}-{code}-{dated}".encode()
    evidence = attach_evidence(submission, name=name or f"{code}.pdf", content=content)
    evidence.requirement = requirement
    evidence.document_date = dated or submission.period.reference_on - datetime.timedelta(days=30)
    evidence.valid_until = valid_until
    evidence.save()
    return evidence


def make_ready(submission):
    """Every required document of the submission's item, recent and in force: approvable
    without a reason, counted by the ready forecast."""
    for requirement in submission.item.evidence_requirements.filter(required=True):
        attach_document(submission, requirement.code)
    return submission


def make_submission(period, agency_code, item_code, status="submitted", **values) -> Submission:
    """A submission written directly (no workflow), with a full answer of the item's kind."""
    agency = Agency.objects.get(region=period.region, code=agency_code)
    item = Item.objects.get(code=item_code, indicator__cluster__framework=period.framework)
    defaults = {"status": status, "numerator": 90, "denominator": 100}
    if item.kind == Item.Kind.CHECK:
        defaults = {"status": status, "answer_yes": True}
    elif item.kind == Item.Kind.COUNT:
        defaults = {"status": status, "count": 3}
    return Submission.objects.create(
        agency=agency, item=item, period=period, **{**defaults, **values}
    )


def attach(submission, name="bukti.png", content=PNG, content_type="image/png") -> Evidence:
    """A PNG evidence file on a submission."""
    return attach_evidence(submission, name=name, content=content, content_type=content_type)


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    """A file as a browser uploads it."""
    return SimpleUploadedFile(name, content)


def nothing_cached():
    """The worst case a page meets (Redis restarted): no snapshot, no rendered content. Query
    counts compared across data sizes are taken so, where every cache would hide the queries."""
    cache.clear()


def after_a_write():
    """What the first request after a draft save meets: the data version moved, while the
    framework's and the register's reference data (versioned by their own tables) did not."""
    from kla_portal import versions

    versions.bump(["indicators_submission"])


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache."""
    # Rolled-back rows reuse primary keys on SQLite: a score snapshot left by an earlier test
    # would otherwise match a new period with the same key.
    cache.clear()
    # This worker's copies too (`kla_portal.versioned_cache`). `nothing_cached` leaves them, as
    # a Redis restart does: the versions restart from the clock, so none of them is read again.
    versioned_cache.forget_local()


@pytest.fixture
def framework(db):
    """The bundled KLA 2026 edition, loaded as `load_framework` does."""
    return framework_load(directory=bundled_editions()[0]).framework


@pytest.fixture
def demo(framework):
    """Kota Balikpapan with agencies, assignments, users and an empty open period."""
    return demo_seed(framework=framework, with_values=False, password=PASSWORD)


@pytest.fixture
def demo_with_values(framework):
    """The demo city with a believable partly-done year and a locked previous year."""
    return demo_seed(framework=framework, with_values=True, password=PASSWORD)


def make_province_verifier(province, username=None, *, user=None):
    """A province verifier of `province`: a new staff user (signing in with PASSWORD), or `user`
    given the role too; read back, so no group is remembered on the object."""
    from indicators.models import ProvinceMembership

    if user is None:
        user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(roles.roles_ensure_groups()[roles.PROVINCE_VERIFIER])
    ProvinceMembership.objects.create(user=user, province=province)
    return get_user_model().objects.get(pk=user.pk)


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def operator(demo):
    """The Dinkes operator: 'operator of this agency' in view tests."""
    return _user("operator.dinkes")


@pytest.fixture
def other_operator(demo):
    """The Dinas Pendidikan operator: 'operator of another agency'."""
    return _user("operator.disdik")


@pytest.fixture
def verifier(demo):
    return _user("verifikator")


@pytest.fixture
def gugus_tugas(demo):
    return _user("gugustugas")


@pytest.fixture
def superuser(demo):
    return _user("admin")


@pytest.fixture
def other_region(framework):
    """A second city with its own DP3AKB verifier, to prove regions do not see each other."""
    region = Region.objects.create(slug="samarinda", name="Kota Samarinda")
    agency = Agency.objects.create(region=region, code="DP3AKB", name="DP3AKB Samarinda")
    user = get_user_model().objects.create_user("verifikator.samarinda", password=PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(roles.roles_ensure_groups()[roles.VERIFIER])
    agency.members.add(user)
    return region


@pytest.fixture
def make_draft(demo, operator):
    """A draft answer saved by the operator: `make_draft("III.12.a", numerator=95, ...)`."""

    def make(item_code: str, agency_code: str = "DINKES", **values):
        agency = Agency.objects.get(code=agency_code)
        item = Item.objects.get(code=item_code)
        submission = submission_for(agency=agency, item=item, period=demo.period)
        return workflow.submission_save(
            submission=submission, values=values, actor=operator, version=None
        )

    return make


@pytest.fixture
def draft(make_draft):
    """Dinkes's draft answer (95 of 100) to III.12.a in the open period."""
    return make_draft("III.12.a", numerator=95, denominator=100)

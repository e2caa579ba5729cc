"""generate_synthetic: deterministic, complete, bulk-written national benchmark data."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from indicators import roles
from indicators.models import (
    Agency,
    Evidence,
    Kecamatan,
    OfficialResult,
    Period,
    Region,
    ReviewEvent,
    Submission,
)
from indicators.seeding.synthetic import SyntheticError, operator_username, verifier_username

SUBMISSION = ("agency__region__slug", "agency__code", "item__code", "period__year")


def _rows(queryset, *fields):
    return sorted(repr(row) for row in queryset.values_list(*fields))


def digest() -> str:
    """A digest of every generated row by natural keys, so database ids do not matter."""
    tables = [
        _rows(Region.objects, "slug", "name", "province"),
        _rows(Kecamatan.objects, "region__slug", "code", "name", "kelurahan_count"),
        _rows(Agency.objects, "region__slug", "code", "name", "short_name", "members__username"),
        _rows(
            get_user_model().objects,
            "username",
            "email",
            "password",
            "is_staff",
            "date_joined",
            "groups__name",
        ),
        _rows(Agency.objects, "region__slug", "code", "assignments__item__code"),
        _rows(Period.objects, "region__slug", "year", "opens_on", "closes_on", "locked"),
        _rows(
            Submission.objects,
            *SUBMISSION,
            "status",
            "answer_yes",
            "numerator",
            "denominator",
            "count",
            "narrative",
            "version",
            "created_at",
            "updated_at",
            "submitted_at",
            "updated_by__username",
        ),
        _rows(
            Evidence.objects,
            *(f"submission__{name}" for name in SUBMISSION),
            "file",
            "original_name",
            "title",
            "kind",
            "content_type",
            "size",
            "sha256",
            "uploaded_by__username",
            "uploaded_at",
        ),
        _rows(
            ReviewEvent.objects,
            *(f"submission__{name}" for name in SUBMISSION),
            "action",
            "from_status",
            "to_status",
            "actor__username",
            "note",
            "created_at",
        ),
        _rows(
            OfficialResult.objects,
            "period__region__slug",
            "period__year",
            "self_assessment",
            "administrative_verification",
            "final_score",
            "category",
            "decree",
        ),
    ]
    return hashlib.sha256(repr(tables).encode()).hexdigest()


def generated_digest(generate, *runs) -> str:
    """Generate in the given runs inside a savepoint, digest, and roll the data back."""
    with transaction.atomic():
        for options in runs:
            generate(**options)
        result = digest()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_rows(generate):
    first = generated_digest(generate, {"regions": 2, "periods": 2})
    second = generated_digest(generate, {"regions": 2, "periods": 2})
    assert first == second


def test_another_seed_gives_other_rows(generate):
    assert generated_digest(generate, {"regions": 2, "seed": 1}) != generated_digest(
        generate, {"regions": 2, "seed": 2}
    )


def test_a_second_run_adds_only_missing_regions_with_the_same_rows(generate):
    at_once = generated_digest(generate, {"regions": 3})
    in_steps = generated_digest(generate, {"regions": 1}, {"regions": 3}, {"regions": 3})
    assert in_steps == at_once


def test_second_run_reports_the_regions_it_skipped(generate):
    generate(regions=2)
    report = generate(regions=3)
    assert report.skipped_regions == ["r0001", "r0002"]
    assert report.created_regions == ["r0003"]
    assert Region.objects.count() == 3


def test_data_set_has_every_status_locked_history_and_official_results(generate):
    generate(regions=2, periods=3, agencies=17)
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses == set(Submission.Status.values)
    for region in Region.objects.all():
        periods = list(region.periods.order_by("year"))
        assert [p.locked for p in periods] == [True, True, False]
        assert set(OfficialResult.objects.filter(period__region=region)) == {
            p.official for p in periods[:2]
        }
    assert not Submission.objects.filter(period__locked=True, status="draft").exists()
    assert Evidence.objects.count() > Submission.objects.count()
    assert ReviewEvent.objects.filter(action="returned").exists()
    assert Kecamatan.objects.filter(region__slug="r0001").count() >= 5


def test_agencies_cover_the_demo_codes_plus_generated_ones(generate):
    generate(regions=1, agencies=40)
    codes = list(Agency.objects.order_by("id").values_list("code", flat=True))
    assert len(codes) == 40
    assert {"DP3AKB", "BAPPEDA", "DINKES", "KESBANGPOL", "OPD18", "OPD40"} <= set(codes)
    assert Submission.objects.filter(agency__code="OPD40").exists()


def test_users_are_in_their_groups_and_agencies_with_one_password_hash(generate):
    generate(regions=1, agencies=5, password="bench-password")
    users = get_user_model().objects
    assert users.count() == 8  # 5 operators, the verifier, Gugus Tugas, the province verifier
    assert len(set(users.values_list("password", flat=True))) == 1
    operator = users.get(username=operator_username("r0001", "BAPPEDA"))
    assert operator.check_password("bench-password")
    assert roles.is_operator(operator)
    assert list(operator.agencies.values_list("code", flat=True)) == ["BAPPEDA"]
    verifier = users.get(username=verifier_username("r0001"))
    assert verifier.is_staff and roles.is_verifier(verifier)
    assert list(roles.user_regions(verifier).values_list("slug", flat=True)) == ["r0001"]
    province = users.get(username="p01.verifikator")
    assert province.is_staff and roles.is_province_verifier(province)
    assert not roles.user_regions(province).exists()
    assert list(roles.readable_regions(province).values_list("slug", flat=True)) == ["r0001"]


def test_a_province_verifier_reads_every_region_of_its_synthetic_province(generate):
    generate(regions=40, agencies=3)
    province = get_user_model().objects.get(username="p02.verifikator")
    assert roles.user_province(province) == "Provinsi Sintetis 02"
    # regions take the 38 provinces in turn: r0002 and r0040 share the second
    assert sorted(roles.readable_regions(province).values_list("slug", flat=True)) == [
        "r0002",
        "r0040",
    ]
    assert get_user_model().objects.filter(username__startswith="p").count() == 38


def test_without_a_password_nobody_can_log_in(generate):
    generate(regions=1, agencies=3)
    assert not any(u.has_usable_password() for u in get_user_model().objects.all())


def test_evidence_is_a_file_name_without_a_body(generate):
    generate(regions=1, agencies=5)
    evidence = Evidence.objects.first()
    assert evidence.file.name.startswith("evidence/synthetic/r0001/")
    assert not evidence.file.storage.exists(evidence.file.name)


def test_writes_in_bulk_not_row_by_row(generate):
    with CaptureQueriesContext(connection) as queries:
        report = generate(regions=3, agencies=20)
    rows = sum(report.counts.values())
    assert rows > 1000
    assert len(queries) < rows / 10


def test_writes_no_audit_history(generate):
    generate(regions=1, agencies=5)
    assert Submission.history.count() == 0


def test_refuses_nonsense_sizes(generate):
    with pytest.raises(SyntheticError):
        generate(regions=0)


@pytest.mark.django_db
def test_command_asks_for_the_framework_first():
    with pytest.raises(CommandError, match="load_framework"):
        call_command("generate_synthetic", regions=1)


def test_command_reports_what_it_made(framework, capsys):
    call_command("generate_synthetic", regions=2, agencies=4, seed=3, year=2025)
    out = capsys.readouterr().out
    assert "2 wilayah dibuat" in out
    assert Period.objects.filter(year=2025, locked=False).count() == 2

"""The data version moves after every committed write to a versioned table, and only then."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from clusters.models import Item
from indicators.models import Agency, Submission
from kla_portal import versions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    if request.param == "redis":
        request.getfixturevalue("redis_cache")


def test_every_registered_model_names_a_table():
    tables = versions.versioned_tables()
    assert {"indicators_submission", "indicators_evidence", "clusters_categoryband"} <= tables
    assert "django_session" not in tables


@pytest.mark.parametrize(
    "sql, table",
    [
        ('INSERT INTO "indicators_submission" ("a") VALUES (%s)', "indicators_submission"),
        ('UPDATE "indicators_period" SET "locked" = %s', "indicators_period"),
        ('DELETE FROM "indicators_evidence" WHERE 1', "indicators_evidence"),
        ('TRUNCATE "indicators_submission", "x"', "*"),
        ('SELECT * FROM "indicators_submission"', None),
        ('UPDATE "django_session" SET "x" = 1', None),
        ('UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s', None),
        ('UPDATE "auth_user" SET "username" = %s WHERE "auth_user"."id" = %s', "auth_user"),
    ],
)
def test_which_statements_write_versioned_data(sql, table):
    assert versions.writes_versioned(sql) == table


def test_bulk_writes_that_send_no_signal_move_the_version(any_cache, demo):
    agency = Agency.objects.get(code="DINKES")
    moves = [
        lambda: Agency.objects.filter(pk=agency.pk).update(name="Dinas"),
        lambda: Submission.objects.bulk_create(
            [Submission(agency=agency, item=Item.objects.first(), period=demo.period)]
        ),
        lambda: Submission.objects.filter(agency=agency).update(status="approved"),
        lambda: Submission.objects.filter(agency=agency).delete(),
    ]
    for move in moves:
        before = versions.current()
        move()
        assert versions.current() != before


def test_a_table_version_moves_only_with_its_table(any_cache, demo):
    before = versions.current(Item)
    Agency.objects.filter(code="DINKES").update(name="Dinas")
    assert versions.current(Item) == before
    Item.objects.filter(pk=Item.objects.first().pk).update(name="Butir")
    assert versions.current(Item) != before


def test_a_models_version_covers_its_many_to_many_tables(any_cache, demo, verifier):
    """Who is in which agency is the agency's own many-to-many table: written in bulk, with no
    signal, it still moves the agency's version (the cached access facts rely on it)."""
    agency = Agency.objects.filter(members=verifier).first()
    before = versions.current(Agency)
    Agency.members.through.objects.filter(agency=agency, user=verifier).delete()
    assert versions.current(Agency) != before
    before = versions.current(get_user_model())
    verifier.groups.clear()
    assert versions.current(get_user_model()) != before


def test_remember_computes_once_per_version_and_again_after_a_write(any_cache, demo):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    first = versions.remember("test", ("a",), compute, Agency)
    assert versions.remember("test", ("a",), compute, Agency) == first == {"n": 1}
    assert versions.remember("test", ("b",), compute, Agency) == {"n": 2}  # other parts
    Item.objects.filter(pk=Item.objects.first().pk).update(name="Butir")  # another table
    assert versions.remember("test", ("a",), compute, Agency) == {"n": 1}
    Agency.objects.filter(code="DINKES").update(name="Dinas")
    assert versions.remember("test", ("a",), compute, Agency) == {"n": 3}


def test_nothing_moves_for_other_tables_a_login_or_a_rollback(any_cache, demo):
    before = versions.current()
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now())
    user = get_user_model().objects.first()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    with pytest.raises(RuntimeError), transaction.atomic():
        Agency.objects.update(name="Tidak jadi")
        raise RuntimeError
    assert versions.current() == before


def test_a_transaction_moves_it_once_at_commit_and_sees_its_own_writes(any_cache, demo):
    shared = versions.current()
    with transaction.atomic():
        Agency.objects.filter(code="DINKES").update(name="Satu")
        inside = versions.current()
        assert inside != shared  # its own uncommitted data: a key nobody else reads
        Agency.objects.filter(code="DINKES").update(name="Dua")
        assert versions.current() != inside
        assert versions.current(using=connection.alias).startswith(str(shared))
    after = versions.current()
    assert after not in (shared, inside)
    assert int(after) == int(shared) + 1  # one bump for the whole transaction


def test_a_rolled_back_savepoint_is_forgotten_and_a_later_write_counts(any_cache, demo):
    shared = versions.current()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Agency.objects.update(name="Tidak jadi")
            raise RuntimeError
        assert versions.current() == shared  # nothing of its own left
        Agency.objects.filter(code="DINKES").update(name="Jadi")
    assert versions.current() != shared


def test_without_a_shared_cache_nothing_is_versioned(settings, demo):
    settings.SCORE_CACHE_SECONDS = 0
    assert versions.current() is None

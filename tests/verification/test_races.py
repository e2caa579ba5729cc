"""Races on a real PostgreSQL: an agency answering while DP3AKB closes the same finding at the
same instant; exactly one wins, the other gets a conflict, nothing is half-written."""

import pytest

from indicators.models import Agency
from tests.security.test_races import race
from verification.models import Finding, FindingEvent
from verification.services import findings as services

RACES = 20
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks and real concurrency need PostgreSQL (set DATABASE_URL)")


def test_answer_and_close_at_once_never_both_win(record, operator, verifier, capsys):
    dinkes = Agency.objects.get(code="DINKES")
    lost = 0
    for _ in range(RACES):
        finding = record()
        outcomes = race(
            lambda f=finding: services.finding_answer(
                finding=f, agency=dinkes, note="Terlampir.", actor=operator, version=1
            ),
            lambda f=finding: services.finding_close(finding=f, actor=verifier, version=1),
        )
        conflicts = [o for o in outcomes if isinstance(o, services.FindingConflict)]
        finding.refresh_from_db()
        events = FindingEvent.objects.filter(finding=finding).count()
        if len(conflicts) != 1 or finding.version != 2 or events != 2:
            lost += 1
        assert finding.status in (Finding.Status.ANSWERED, Finding.Status.CLOSED)
    with capsys.disabled():
        print(f"\n[races] finding answer vs close: {RACES} races, {lost} lost updates")
    assert lost == 0

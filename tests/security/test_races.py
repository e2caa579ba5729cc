"""Races on a real PostgreSQL: threads acting on the same rows at once never lose an update."""

import threading

import pytest
from django.db import connection
from django.db.models import F

from clusters.models import Item
from indicators.models import Agency, ReviewEvent, Submission
from indicators.selectors.workspace import submission_for
from indicators.services import workflow
from indicators.services.importing import values_import
from tests.conftest import make_ready

RACES = 50

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and real concurrency need PostgreSQL (set DATABASE_URL)")


def race(*actions):
    """Run the actions in threads released at the same instant; return each result or error."""
    start = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            start.wait()
            outcomes[index] = action()
        except Exception as exc:  # the outcome we inspect, whatever it is
            outcomes[index] = exc
        finally:
            connection.close()  # each thread has its own connection; free it for teardown

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def report(capsys, name, runs, lost):
    with capsys.disabled():
        print(f"\n[races] {name}: {runs} races, {lost} lost updates")


@pytest.fixture
def draft(demo, operator):
    item = Item.objects.get(code="III.12.a")
    submission = submission_for(
        agency=Agency.objects.get(code="DINKES"), item=item, period=demo.period
    )
    return workflow.submission_save(
        submission=submission,
        values={"numerator": 1, "denominator": 100},
        actor=operator,
        version=None,
    )


def fresh(submission):
    return Submission.objects.select_related("period", "item", "agency").get(pk=submission.pk)


def test_two_operators_saving_one_version_exactly_one_wins(draft, operator, capsys):
    lost = 0
    for n in range(RACES):
        version = fresh(draft).version
        values = [n, 50 + n]

        # Each operator loaded the page (the same version) before either saved.
        copies = [fresh(draft), fresh(draft)]

        def save(index, version=version, copies=copies, values=values):
            return workflow.submission_save(
                submission=copies[index],
                values={"numerator": values[index]},
                actor=operator,
                version=version,
            )

        outcomes = race(lambda: save(0), lambda: save(1))
        winners = [i for i, o in enumerate(outcomes) if isinstance(o, Submission)]
        losers = [o for o in outcomes if isinstance(o, workflow.Conflict)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        final = fresh(draft)
        if final.numerator != values[winners[0]] or final.version != version + 1:
            lost += 1
    report(capsys, "save vs save", RACES, lost)
    assert lost == 0


def test_approve_while_another_returns_makes_exactly_one_transition(
    draft, verifier, superuser, capsys
):
    make_ready(draft)  # approvable without a reason
    lost = 0
    for _ in range(RACES):
        Submission.objects.filter(pk=draft.pk).update(status="submitted", version=F("version") + 1)
        version = fresh(draft).version
        events = ReviewEvent.objects.filter(submission=draft).count()
        outcomes = race(
            lambda v=version: workflow.submission_approve(
                submission_id=draft.pk, actor=verifier, version=v
            ),
            lambda v=version: workflow.submission_return(
                submission_id=draft.pk, actor=superuser, note="Cek ulang", version=v
            ),
        )
        winners = [o for o in outcomes if isinstance(o, Submission)]
        assert len(winners) == 1, outcomes
        assert all(isinstance(o, Submission | workflow.Conflict) for o in outcomes), outcomes
        final = fresh(draft)
        new_events = ReviewEvent.objects.filter(submission=draft).count() - events
        if final.status != winners[0].status or new_events != 1 or final.version != version + 1:
            lost += 1
    report(capsys, "approve vs return", RACES, lost)
    assert lost == 0


ROWS = [("DLH", "II.11.a", "count"), ("DISDIK", "IV.19.a", "percent"), ("DP3AKB", "K.2.a", "check")]


def import_file(n: int) -> tuple[bytes, dict]:
    """A value file whose every row carries n, and the answers it should leave."""
    lines, expected = ["agency,item,numerator,denominator,value,note"], {}
    for agency, item, kind in ROWS:
        if kind == "count":
            lines.append(f"{agency},{item},,,{n},race {n}")
            expected[item] = {"count": n}
        elif kind == "percent":
            lines.append(f"{agency},{item},{n},1000,,race {n}")
            expected[item] = {"numerator": n}
        else:
            lines.append(f"{agency},{item},,,{'ya' if n % 2 else 'tidak'},race {n}")
            expected[item] = {"answer_yes": bool(n % 2)}
    return ("\n".join(lines) + "\n").encode(), expected


def test_two_imports_into_one_period_leave_one_whole_file(demo, capsys):
    period = demo.period
    lost = 0
    for n in range(RACES):
        files = [import_file(2 * n + 1), import_file(2 * n + 2)]
        outcomes = race(
            *[
                lambda content=content: values_import(
                    content=content, filename="race.csv", period=period, status="submitted"
                )
                for content, _ in files
            ]
        )
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        stored = {
            s.item.code: s
            for s in Submission.objects.filter(period=period, item__code__in=[r[1] for r in ROWS])
        }
        assert len(stored) == len(ROWS)
        notes = {s.narrative for s in stored.values()}
        whole = [
            expected
            for _, expected in files
            if all(
                getattr(stored[item], name) == value
                for item, fields in expected.items()
                for name, value in fields.items()
            )
        ]
        if len(notes) != 1 or len(whole) != 1:
            lost += 1
    report(capsys, "import vs import", RACES, lost)
    assert lost == 0

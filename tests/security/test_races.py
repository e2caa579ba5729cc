"""Races on a real PostgreSQL: threads acting on the same rows at once never lose an update."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F

from clusters.models import Item
from indicators.models import Agency, Evidence, ReviewEvent, Submission
from indicators.seeding.demo import demo_pdf
from indicators.selectors.workspace import submission_for
from indicators.services import workflow
from indicators.services.evidence import evidence_add
from indicators.services.importing import StalePreview, values_import
from indicators.uploads import EvidenceRejected
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


def test_two_uploads_racing_for_the_last_of_an_agencys_quota_cannot_both_pass(
    demo, operator, settings, tmp_path, capsys
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_MAX_BYTES_PER_AGENCY_PERIOD = 3000
    agency = Agency.objects.get(code="DINKES")
    drafts = [
        workflow.submission_save(
            submission=submission_for(
                agency=agency, item=Item.objects.get(code=code), period=demo.period
            ),
            values={"narrative": "draf"},
            actor=operator,
            version=None,
        )
        for code in ("III.12.a", "III.13.a")
    ]
    body = demo_pdf("kuota")
    body += b"%" * (2000 - len(body))
    over = 0
    for _ in range(RACES // 2):
        Evidence.objects.all().delete()
        outcomes = race(
            *[
                lambda s=submission: evidence_add(
                    submission=s, upload=SimpleUploadedFile("b.pdf", body), actor=operator
                )
                for submission in drafts
            ]
        )
        stored = [o for o in outcomes if isinstance(o, Evidence)]
        refused = [o for o in outcomes if isinstance(o, EvidenceRejected)]
        assert len(stored) + len(refused) == 2, outcomes
        if len(stored) != 1 or Evidence.objects.count() != 1:
            over += 1
    report(capsys, "upload vs upload at the quota", RACES // 2, over)
    assert over == 0


def test_one_preview_confirmed_twice_at_once_imports_once(demo, capsys):
    period, lost = demo.period, 0
    for n in range(RACES):
        content, _ = import_file(n)
        seen = values_import(
            content=content, filename="race.csv", period=period, status="submitted", dry_run=True
        ).versions()
        events = ReviewEvent.objects.count()

        def confirm(content=content, seen=seen, n=n):
            return values_import(
                content=content,
                filename="race.csv",
                period=period,
                status="submitted",
                seen=seen,
                confirmation=f"race-{n}",
            )

        outcomes = race(confirm, confirm)
        written = [o for o in outcomes if not isinstance(o, Exception)]
        refused = [o for o in outcomes if isinstance(o, StalePreview)]
        assert len(written) + len(refused) == 2, outcomes
        if len(written) != 1 or ReviewEvent.objects.count() - events != len(ROWS):
            lost += 1
    report(capsys, "confirm vs confirm (one token)", RACES, lost)
    assert lost == 0


def test_an_operator_saving_while_an_import_confirms_never_loses_either(demo, operator, capsys):
    period, lost = demo.period, 0
    agency, item = Agency.objects.get(code="DINKES"), Item.objects.get(code="III.12.a")
    draft = workflow.submission_save(
        submission=submission_for(agency=agency, item=item, period=period),
        values={"numerator": 1, "denominator": 1000},
        actor=operator,
        version=None,
    )
    for n in range(RACES):
        Submission.objects.filter(pk=draft.pk).update(status="draft")
        content = f"agency,item,numerator,denominator,value,note\nDINKES,III.12.a,{n + 2},1000,,\n"
        seen = values_import(
            content=content.encode(),
            filename="race.csv",
            period=period,
            status="submitted",
            dry_run=True,
        ).versions()
        copy, version = fresh(draft), fresh(draft).version
        outcomes = race(
            lambda content=content, seen=seen: values_import(
                content=content.encode(),
                filename="race.csv",
                period=period,
                status="submitted",
                seen=seen,
            ),
            lambda copy=copy, version=version: workflow.submission_save(
                submission=copy, values={"numerator": 999}, actor=operator, version=version
            ),
        )
        imported, saved = outcomes
        final = fresh(draft)
        if isinstance(imported, StalePreview) and isinstance(saved, Submission):
            ok = final.numerator == 999 and final.version == version + 1
        elif isinstance(saved, workflow.WorkflowError) and not isinstance(imported, Exception):
            ok = final.numerator == n + 2 and final.version == version + 1
        else:
            ok = False
        lost += not ok
    report(capsys, "import confirm vs operator save", RACES, lost)
    assert lost == 0

"""A finding from its recording to its closing: notification, answer with a file, close,
reopen, overdue marks at a fixed now, the one reminder before the due time."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from clusters.models import Indicator, Item
from indicators.models import Agency, Evidence, Submission
from indicators.uploads import EvidenceRejected
from tests.conftest import PDF, upload
from verification.models import Finding, FindingEvent
from verification.selectors import findings as selectors
from verification.services import findings as services
from verification.services.mail import finding_reminders_send

F = Finding.Status
pytestmark = pytest.mark.django_db(transaction=False)


def test_a_vl_finding_is_due_in_48_hours_and_emails_its_agency(
    record, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        finding = record()
    assert before + datetime.timedelta(hours=48) <= finding.due_at
    assert finding.due_at <= timezone.now() + datetime.timedelta(hours=48)
    assert finding.status == F.OPEN and finding.version == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["operator.dinkes@example.invalid"]
    assert "III.13.a" in message.subject and "Data cakupan berbeda" in message.body


@override_settings(FINDING_DUE_HOURS={}, FINDING_DUE_HOURS_DEFAULT=24)
def test_other_stages_take_the_default_due_time(record):
    finding = record(stage="va")
    assert abs(finding.due_at - timezone.now() - datetime.timedelta(hours=24)).total_seconds() < 60


def test_a_finding_needs_one_target_and_agencies_of_its_region(demo, verifier, other_region):
    item = Item.objects.get(code="III.13.a")
    dinkes = Agency.objects.get(region=demo.region, code="DINKES")
    stranger = Agency.objects.get(region=other_region, code="DP3AKB")
    common = {"period": demo.period, "stage": "vl", "text": "x", "actor": verifier}
    with pytest.raises(services.FindingError, match="tidak keduanya"):
        services.finding_create(**common, item=item, indicator=item.indicator, agencies=[dinkes])
    with pytest.raises(services.FindingError, match="wilayah periode"):
        services.finding_create(**common, item=item, agencies=[stranger])
    with pytest.raises(services.FindingError, match="paling sedikit satu OPD"):
        services.finding_create(**common, item=item, agencies=[])


def test_only_the_regions_verifiers_record_findings(demo, operator, other_region):
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.get(username="verifikator.samarinda")
    item = Item.objects.get(code="III.13.a")
    dinkes = Agency.objects.get(region=demo.region, code="DINKES")
    for actor in (operator, outsider):
        with pytest.raises(services.FindingError, match="Hanya verifikator"):
            services.finding_create(
                period=demo.period, stage="vl", text="x", item=item, agencies=[dinkes], actor=actor
            )


def test_answer_with_a_file_then_close_then_reopen(
    record, operator, verifier, django_capture_on_commit_callbacks
):
    finding = record()
    response = services.finding_answer(
        finding=finding,
        agency=Agency.objects.get(code="DINKES"),
        note="Laporan resmi dinas terlampir.",
        actor=operator,
        version=1,
        upload=upload(PDF, "laporan.pdf"),
    )
    finding.refresh_from_db()
    assert finding.status == F.ANSWERED and finding.version == 2
    evidence = response.evidence
    assert evidence.submission.item.code == "III.13.a"
    assert evidence.submission.agency.code == "DINKES"
    assert evidence.original_name == "laporan.pdf"

    services.finding_close(finding=finding, actor=verifier, version=2)
    finding.refresh_from_db()
    assert finding.status == F.CLOSED and finding.closed_by == verifier

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_reopen(
            finding=finding, actor=verifier, version=3, note="Kurang tanda tangan."
        )
    finding.refresh_from_db()
    assert finding.status == F.OPEN and finding.closed_at is None and finding.version == 4
    assert len(mail.outbox) == 1 and "dibuka kembali" in mail.outbox[0].subject
    moves = FindingEvent.objects.filter(finding=finding).values_list("to_status", flat=True)
    assert list(moves) == [F.OPEN, F.ANSWERED, F.CLOSED, F.OPEN]


def test_an_answer_with_a_stale_version_conflicts(record, operator, verifier):
    finding = record()
    services.finding_close(finding=finding, actor=verifier, version=1)
    with pytest.raises(services.FindingConflict):
        services.finding_answer(
            finding=finding, agency=Agency.objects.get(code="DINKES"), note="x",
            actor=operator, version=1,
        )  # fmt: skip
    with pytest.raises(services.FindingConflict):
        services.finding_close(finding=finding, actor=verifier, version=1)


def test_an_agency_not_named_cannot_answer(record, other_operator):
    finding = record()
    with pytest.raises(services.FindingError, match="tidak diminta"):
        services.finding_answer(
            finding=finding, agency=Agency.objects.get(code="DISDIK"), note="x",
            actor=other_operator, version=1,
        )  # fmt: skip


def test_a_file_on_an_approved_answer_is_accepted_and_counts_against_the_quota(
    demo, record, operator, settings
):
    from tests.conftest import make_submission

    agency = Agency.objects.get(code="DINKES")
    item = Item.objects.get(code="III.13.a")
    approved = make_submission(
        demo.period, "DINKES", "III.13.a", status="approved", numerator=1, denominator=10
    )
    finding = record()
    services.finding_answer(
        finding=finding, agency=agency, note="Terlampir.", actor=operator, version=1,
        upload=upload(PDF, "a.pdf"),
    )  # fmt: skip
    approved.refresh_from_db()
    assert approved.status == Submission.Status.APPROVED  # the answer does not reopen review
    assert Evidence.objects.filter(submission=approved).count() == 1
    settings.EVIDENCE_MAX_FILES_PER_SUBMISSION = 1
    finding.refresh_from_db()
    with pytest.raises(EvidenceRejected, match="batasnya 1 berkas"):
        services.finding_answer(
            finding=finding, agency=agency, note="Lagi.", actor=operator,
            version=finding.version, upload=upload(PDF + b"2", "b.pdf"), item=item,
        )  # fmt: skip


def test_a_hostile_file_is_refused_by_the_upload_checks(record, operator):
    finding = record()
    with pytest.raises(EvidenceRejected, match="tidak dikenali"):
        services.finding_answer(
            finding=finding, agency=Agency.objects.get(code="DINKES"), note="x",
            actor=operator, version=1, upload=upload(b"MZ\x90\x00not a pdf", "a.pdf"),
        )  # fmt: skip
    finding.refresh_from_db()
    assert finding.status == F.OPEN  # nothing half-written


def test_an_indicator_finding_takes_the_file_on_the_chosen_item(demo, verifier, operator):
    indicator = Indicator.objects.get(code="III.13")
    finding = services.finding_create(
        period=demo.period, stage="va", indicator=indicator, text="Lengkapi.",
        agencies=[Agency.objects.get(code="DINKES")], actor=verifier,
    )  # fmt: skip
    allowed = list(services.answer_items(finding, Agency.objects.get(code="DINKES")))
    assert {i.code for i in allowed} == {"III.13.a", "III.13.b"}
    with pytest.raises(services.FindingError, match="Pilih butir"):
        services.finding_answer(
            finding=finding, agency=Agency.objects.get(code="DINKES"), note="x",
            actor=operator, version=1, upload=upload(PDF, "a.pdf"),
        )  # fmt: skip
    response = services.finding_answer(
        finding=finding, agency=Agency.objects.get(code="DINKES"), note="x", actor=operator,
        version=1, upload=upload(PDF, "a.pdf"), item=Item.objects.get(code="III.13.b"),
    )  # fmt: skip
    assert response.evidence.submission.item.code == "III.13.b"


def test_overdue_marks_at_a_fixed_now(record, operator):
    finding = record()
    answered = record("III.12.a")
    services.finding_answer(
        finding=answered, agency=Agency.objects.get(code="DINKES"), note="x",
        actor=operator, version=1,
    )  # fmt: skip
    answered.refresh_from_db()
    before, after = (
        finding.due_at - datetime.timedelta(minutes=1),
        finding.due_at + datetime.timedelta(minutes=1),
    )
    assert not finding.is_overdue(before) and finding.is_overdue(after)
    assert not answered.is_overdue(after + datetime.timedelta(days=9))  # it waits on DP3AKB
    visible = Finding.objects.all()
    assert selectors.counts(visible, before).overdue == 0
    counts = selectors.counts(visible, after + datetime.timedelta(days=9))
    assert (counts.open, counts.answered, counts.overdue, counts.closed) == (1, 1, 1, 0)
    overdue = selectors.filtered(visible, status="overdue", now=after)
    assert list(overdue) == [finding]


def test_the_reminder_before_the_due_time_is_sent_once(record, settings):
    settings.FINDING_REMINDER_HOURS = 12
    finding = record()
    mail.outbox.clear()
    early = finding.due_at - datetime.timedelta(hours=13)
    assert finding_reminders_send(now=early).sent == []
    inside = finding.due_at - datetime.timedelta(hours=11)
    assert finding_reminders_send(now=inside).sent == [finding.pk]
    assert len(mail.outbox) == 1 and "segera tiba" in mail.outbox[0].subject
    assert finding_reminders_send(now=inside + datetime.timedelta(hours=1)).sent == []
    assert len(mail.outbox) == 1
    finding.refresh_from_db()
    assert finding.reminded_at == inside


def test_no_reminder_for_an_answered_finding(record, operator):
    finding = record()
    services.finding_answer(
        finding=finding, agency=Agency.objects.get(code="DINKES"), note="x",
        actor=operator, version=1,
    )  # fmt: skip
    mail.outbox.clear()
    assert finding_reminders_send(now=finding.due_at - datetime.timedelta(hours=1)).sent == []
    assert mail.outbox == []


def test_home_lists_open_findings_of_the_agencies_due_first(record, operator):
    late = record("III.12.a", due_at=timezone.now() + datetime.timedelta(days=5))
    soon = record("III.13.a", due_at=timezone.now() + datetime.timedelta(hours=2))
    record("IV.19.a", ["DISDIK"])
    dinkes = Agency.objects.get(code="DINKES")
    assert selectors.open_for_agencies([dinkes]) == [soon, late]


def test_the_reminder_command_sends_once_and_freezes_due_forecasts(record, settings):
    import io

    from django.core.management import call_command

    settings.FINDING_REMINDER_HOURS = 72  # the new finding (due in 48 hours) is inside
    record()
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_finding_reminders", stdout=out)
    assert "Pengingat catatan terkirim: 1" in out.getvalue() and len(mail.outbox) == 1
    call_command("send_finding_reminders", stdout=out)
    assert len(mail.outbox) == 1


def test_a_document_answering_a_finding_on_an_approved_answer_lifts_the_ready_score(
    demo, record, operator, django_capture_on_commit_callbacks
):
    from clusters.models import EvidenceRequirement
    from indicators.selectors.score_cache import cached_period_score
    from indicators.selectors.scores import READY
    from tests.conftest import make_submission

    period = demo.period
    make_submission(period, "DINKES", "III.12.a", status="approved")
    before = cached_period_score(period, READY).total  # cached: the gap is not ready
    finding = record("III.12.a")
    requirement = EvidenceRequirement.objects.get(item__code="III.12.a", code="data")
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_answer(
            finding=finding, agency=Agency.objects.get(code="DINKES"), note="Laporan KIA.",
            actor=operator, version=1, upload=upload(PDF, "kia.pdf"),
            document={"requirement": requirement, "document_date": period.opens_on,
                      "valid_until": None, "number": "KIA/1"},
        )  # fmt: skip
    assert cached_period_score(period, READY).total > before  # the cache was made stale

"""`send_reminders`: each agency with work due hears once a day, only near the deadline."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from indicators.models import Period, ReminderLog
from indicators.services import workflow
from indicators.services.reminders import reminders_send
from tests.production.conftest import evidence_for


def closes_in(period, days):
    today = timezone.localdate()
    Period.objects.filter(pk=period.pk).update(closes_on=today + datetime.timedelta(days=days))


def send(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def mail_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_agencies_with_items_due_within_a_week_are_emailed_their_items(demo):
    closes_in(demo.period, 3)
    output = send()
    dinkes = mail_to("operator.dinkes@example.invalid")
    assert len(dinkes) == 1
    assert "3 hari lagi" in dinkes[0].subject
    assert "- III.12.a (belum diisi)" in dinkes[0].body
    assert "DINKES" in output
    assert len(mail.outbox) == ReminderLog.objects.count() > 1


def test_a_second_run_the_same_day_sends_nothing(demo):
    closes_in(demo.period, 3)
    send()
    sent = len(mail.outbox)
    output = send()
    assert len(mail.outbox) == sent
    assert f"Sudah dikirim hari ini: {sent}" in output


def test_the_next_day_reminds_again(demo):
    closes_in(demo.period, 3)
    today = timezone.localdate()
    reminders_send(today=today)
    first = len(mail.outbox)
    report = reminders_send(today=today + datetime.timedelta(days=1))
    assert len(report.sent) == first and len(mail.outbox) == 2 * first


def test_nothing_is_sent_while_the_deadline_is_further_than_n_days(demo):
    closes_in(demo.period, 10)
    send("--days", "7")
    assert mail.outbox == []
    send("--days", "10")
    assert mail.outbox


def test_a_locked_period_sends_nothing(demo):
    closes_in(demo.period, 3)
    Period.objects.filter(region=demo.region).update(locked=True)
    send()
    assert mail.outbox == []


def test_only_missing_draft_and_returned_items_are_listed(
    demo, draft, operator, verifier, django_capture_on_commit_callbacks
):
    closes_in(demo.period, 3)
    evidence_for(draft)
    workflow.submission_submit(submission=draft, actor=operator, version=None)
    send()
    assert "III.12.a" not in mail_to("operator.dinkes@example.invalid")[0].body
    ReminderLog.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_return(submission_id=draft.pk, actor=verifier, note="Cek data")
    mail.outbox.clear()
    send()
    assert "- III.12.a (dikembalikan)" in mail_to("operator.dinkes@example.invalid")[0].body


def test_region_limits_the_run_and_an_unknown_one_is_an_error(demo, other_region):
    closes_in(demo.period, 3)
    send("--region", "samarinda")
    assert mail.outbox == []
    send("--region", "balikpapan")
    assert mail.outbox
    with pytest.raises(CommandError, match="tidak dikenal"):
        send("--region", "atlantis")


def test_agencies_without_an_email_address_are_reported_not_logged(demo, operator):
    closes_in(demo.period, 3)
    operator.email = ""
    operator.save()
    report = reminders_send()
    assert "DINKES" in report.without_recipients
    assert not ReminderLog.objects.filter(agency__code="DINKES").exists()


def test_reminders_list_the_documents_that_expire_within_the_days(demo):
    from tests.conftest import attach_document, make_submission

    closes_in(demo.period, 5)
    today = timezone.localdate()
    soon = make_submission(demo.period, "DINKES", "III.15.a")
    attach_document(soon, "sertifikat", valid_until=today + datetime.timedelta(days=4))
    later = make_submission(demo.period, "DINKES", "III.17.a")
    attach_document(later, "perda", valid_until=today + datetime.timedelta(days=40))
    send("--days", "5")
    (message,) = mail_to("operator.dinkes@example.invalid")
    assert "masa berlakunya segera berakhir" in message.body
    assert "- III.15.a: Surat keterangan puskesmas ramah anak terstandar" in message.body
    assert (today + datetime.timedelta(days=4)).strftime("%d-%m-%Y") in message.body
    assert "III.17.a: " not in message.body.split("segera berakhir")[1]


def test_an_agency_told_only_of_expiring_documents_is_not_told_it_owes_nothing(demo):
    from indicators.models import Assignment
    from tests.conftest import attach_document, make_submission

    closes_in(demo.period, 5)
    today = timezone.localdate()
    Assignment.objects.filter(agency__code="DINKES").exclude(item__code="III.15.a").delete()
    done = make_submission(demo.period, "DINKES", "III.15.a", status="approved")
    attach_document(done, "sertifikat", valid_until=today + datetime.timedelta(days=4))
    send("--days", "5")
    (message,) = mail_to("operator.dinkes@example.invalid")
    assert "masa berlakunya segera berakhir" in message.body
    assert "butir yang perlu dilengkapi" not in message.body

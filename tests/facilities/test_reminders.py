"""Expiry alerts: certificates ending within FACILITY_EXPIRY_ALERT_DAYS, on the agency's home,
the dashboard and in one reminder per agency, kind and day."""

import datetime

from django.core import mail
from django.utils import timezone

from facilities.expiry import expiring_certifications
from facilities.services import facility_close
from indicators.models import Period, ReminderLog
from indicators.services.reminders import reminders_send
from tests.facilities.conftest import grant, make_place


def _ending_in(place, actor, days, **extra):
    today = timezone.localdate()
    return grant(place, actor, granted_on=today - datetime.timedelta(days=700),
                 valid_until=today + datetime.timedelta(days=days), **extra)  # fmt: skip


def test_only_granted_certificates_of_active_places_ending_within_the_window_alert(
    place, dlh_operator, settings
):
    settings.FACILITY_EXPIRY_ALERT_DAYS = 60
    soon = _ending_in(place, dlh_operator, 60)  # the last day of the window counts
    _ending_in(place, dlh_operator, 61)
    _ending_in(place, dlh_operator, -1)  # ended yesterday: expired, not expiring
    _ending_in(place, dlh_operator, 10, stage="revoked")
    other = make_place(dlh_operator, "Taman Kota")
    _ending_in(other, dlh_operator, 5)
    facility_close(facility=other, closed_on=timezone.localdate(), actor=None, version=1)
    assert list(expiring_certifications(agencies=[place.agency])) == [soon]


def test_one_certificate_reminder_per_agency_and_day_beside_the_deadline_reminder(
    place, dlh_operator, register
):
    _ending_in(place, dlh_operator, 20)
    _ending_in(make_place(dlh_operator, "Taman Kota"), dlh_operator, 40)
    today = timezone.localdate()
    # The deadline is near too: DLH gets both reminders today, which no longer collide.
    Period.objects.filter(pk=register.period.pk).update(
        opens_on=today - datetime.timedelta(days=30), closes_on=today + datetime.timedelta(days=3)
    )
    report = reminders_send(today=today)
    assert report.certificates_sent == ["DLH"]
    assert "DLH" in report.sent
    to_dlh = [m for m in mail.outbox if "operator.dlh@example.invalid" in m.to]
    assert len(to_dlh) == 2
    (certificates,) = [m for m in to_dlh if "sertifikat fasilitas" in m.subject]
    assert "2 sertifikat" in certificates.subject
    assert "RBRA Taman Bekapai" in certificates.body and "RBRA Taman Kota" in certificates.body
    kinds = set(ReminderLog.objects.filter(agency__code="DLH").values_list("kind", flat=True))
    assert kinds == {"deadline", "certificates"}
    again = reminders_send(today=today)
    assert again.certificates_already_sent == ["DLH"] and not again.certificates_sent
    assert len([m for m in mail.outbox if "operator.dlh@example.invalid" in m.to]) == 2


def test_the_dashboard_shows_the_regions_expiring_certificates(
    client, gugus_tugas, place, dlh_operator
):
    _ending_in(place, dlh_operator, 15)
    client.force_login(gugus_tugas)
    page = client.get("/dashboard/").content.decode()
    assert "1 sertifikat fasilitas berakhir dalam 90 hari" in page
    assert "Taman Bekapai" in page and "DLH" in page

"""Emails about findings: to the named agencies when one is recorded or reopened, and once
before its due time (`send_finding_reminders`, run by cron like `send_reminders`)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators.services.notifications import EMAIL_LANGUAGE, agency_recipients
from verification.models import Finding
from verification.selectors.findings import waiting_on

logger = logging.getLogger("kla.reminders")


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def _load(pk: int) -> Finding:
    return (
        Finding.objects.select_related("period__region", "item", "indicator")
        .prefetch_related("agencies")
        .get(pk=pk)
    )


def finding_body(finding: Finding, agency, *, intro: str) -> str:
    """The plain-text email: the finding, its due time, and where to answer it."""
    lines = [
        _("Yth. %(agency)s,") % {"agency": agency.name},
        "",
        intro,
        "",
        _("Butir/indikator: %(code)s") % {"code": finding.target_code},
        _("Tahap: %(stage)s") % {"stage": finding.get_stage_display()},
        _("Tenggat: %(due)s WITA") % {"due": _when(finding.due_at)},
        "",
        _("Catatan verifikator:"),
        finding.text,
        "",
        _(
            "Jawab melalui halaman Catatan verifikator di Portal KLA dengan tanggapan dan "
            "data dukung yang baru."
        ),
        "",
        _("Pesan ini dikirim otomatis oleh Portal KLA."),
    ]
    return "\n".join(lines)


def _send(finding: Finding, subject: str, intro: str, only: set[int] | None = None) -> int:
    """Email every named agency (or those of `only`); the number of agencies reached."""
    reached = 0
    for agency in finding.agencies.all():
        if only is not None and agency.pk not in only:
            continue
        recipients = agency_recipients(agency)
        if not recipients:
            continue
        body = finding_body(finding, agency, intro=intro)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        reached += 1
    return reached


def finding_assigned_notify(pk: int, *, reopened: bool = False) -> None:
    """Email the agencies a finding names; a failure is logged, not raised (it is committed)."""
    try:
        finding = _load(pk)
        with translation.override(EMAIL_LANGUAGE):
            if reopened:
                subject = _("[Portal KLA] Catatan verifikator %(code)s dibuka kembali")
            else:
                subject = _("[Portal KLA] Catatan verifikator baru: %(code)s")
            intro = _(
                "DP3AKB mencatat temuan verifikasi periode %(year)s yang perlu ditindaklanjuti "
                "OPD Anda sebelum tenggat."
            ) % {"year": finding.period.year}
            _send(finding, subject % {"code": finding.target_code}, intro)
    except Exception:
        logger.exception("Finding email for %s was not sent", pk)


@dataclass
class FindingReminderReport:
    sent: list[int] = field(default_factory=list)  # finding ids reminded now
    without_recipients: list[int] = field(default_factory=list)


def finding_reminders_send(*, now: datetime.datetime | None = None) -> FindingReminderReport:
    """Remind the agencies of every open finding due within FINDING_REMINDER_HOURS, once: the
    finding is claimed by an update that only one run can win, then emailed."""
    now = now or timezone.now()
    report = FindingReminderReport()
    window = now + datetime.timedelta(hours=settings.FINDING_REMINDER_HOURS)
    due = Finding.objects.filter(
        status=Finding.Status.OPEN, reminded_at__isnull=True, due_at__gt=now, due_at__lte=window
    ).values_list("pk", flat=True)
    for pk in list(due):
        try:
            # The claim and the emails stand or fall together (as `send_reminders`' log row):
            # a failed send is retried by the next run, and another run never sends it twice.
            with transaction.atomic():
                claimed = Finding.objects.filter(pk=pk, reminded_at__isnull=True).update(
                    reminded_at=now
                )
                if not claimed:
                    continue  # another run took it
                finding = _load(pk)
                with translation.override(EMAIL_LANGUAGE):
                    subject = _("[Portal KLA] Tenggat catatan verifikator %(code)s segera tiba") % {
                        "code": finding.target_code
                    }
                    intro = _(
                        "Catatan verifikator berikut belum dijawab dan tenggatnya segera tiba."
                    )
                    # Only the agencies that have not answered it yet.
                    reached = _send(finding, subject, intro, only=waiting_on(finding))
        except Exception:
            logger.exception("finding reminder %s was not sent; the next run tries again", pk)
            continue
        (report.sent if reached else report.without_recipients).append(pk)
        logger.info("finding reminder sent: finding=%s agencies=%s", pk, reached)
    return report

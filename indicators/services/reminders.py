"""Reminders: each agency hears, once a day, which of its items still need work, and, once a
day as a reminder of its own kind, which certificates of its places in the register end soon."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from facilities.expiry import alert_days, expiring_certifications
from indicators.models import Agency, Evidence, Period, Region, ReminderLog, Submission
from indicators.selectors.assignments import MISSING, assignment_states
from indicators.selectors.periods import current_period

logger = logging.getLogger("kla.reminders")
S = Submission.Status


@dataclass
class ReminderReport:
    sent: list[str] = field(default_factory=list)  # agency codes emailed now
    already_sent: list[str] = field(default_factory=list)  # emailed earlier today
    without_recipients: list[str] = field(default_factory=list)  # work due, nobody to tell
    # The same three for the register's expiring certificates (ReminderLog.Kind.CERTIFICATES).
    certificates_sent: list[str] = field(default_factory=list)
    certificates_already_sent: list[str] = field(default_factory=list)
    certificates_without_recipients: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DueItem:
    code: str
    name: str
    status: str  # "missing", or the submission's status (draft or returned)


def due_items(period: Period) -> dict[int, list[DueItem]]:
    """Per agency id, its assigned items with no answer yet, a draft, or a returned answer."""
    due: dict[int, list[DueItem]] = {}
    for owed in sorted(assignment_states(period), key=lambda o: (o.agency_id, o.item_code)):
        if owed.status in (MISSING, S.DRAFT, S.RETURNED):
            due.setdefault(owed.agency_id, []).append(
                DueItem(owed.item_code, owed.item_name, owed.status)
            )
    return due


def reminders_send(
    *, days: int = 7, region: Region | None = None, today: datetime.date | None = None
) -> ReminderReport:
    """Email every agency whose open period closes within `days` the items it still owes, and
    every agency whose register certificates end within FACILITY_EXPIRY_ALERT_DAYS those."""
    today = today or timezone.localdate()
    report = ReminderReport()
    regions = [region] if region else Region.objects.order_by("slug")
    certificates_send(regions=regions, today=today, report=report)
    for each in regions:
        period = current_period(each)
        if period is None or not period.is_open_for_entry(today):
            continue
        if period.days_left(today) > days:
            continue
        due = due_items(period)
        expiring = expiring_documents(period, today=today, days=days)
        agencies = (
            Agency.objects.filter(pk__in={*due, *expiring})
            .prefetch_related("members")
            .order_by("code")
        )
        for agency in agencies:
            _remind(
                agency=agency,
                period=period,
                items=due.get(agency.pk, []),
                documents=expiring.get(agency.pk, []),
                today=today,
                report=report,
            )
    return report


@dataclass(frozen=True)
class ExpiringDocument:
    item_code: str
    name: str
    valid_until: datetime.date


def expiring_documents(
    period: Period, *, today: datetime.date, days: int
) -> dict[int, list[ExpiringDocument]]:
    """Per agency id, the period's documents whose validity ends within `days` from `today`."""
    found: dict[int, list[ExpiringDocument]] = {}
    rows = (
        Evidence.objects.filter(
            submission__period=period,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )
        .order_by("submission__agency_id", "valid_until", "submission__item__code")
        .values_list(
            "submission__agency_id",
            "submission__item__code",
            "requirement__name",
            "title",
            "original_name",
            "valid_until",
        )
    )
    for agency_id, code, requirement, title, original, valid_until in rows:
        found.setdefault(agency_id, []).append(
            ExpiringDocument(code, requirement or title or original, valid_until)
        )
    return found


def _remind(*, agency, period, items, today, report, documents=()) -> None:
    recipients = sorted(
        {user.email for user in agency.members.all() if user.is_active and user.email}
    )
    if not recipients:
        report.without_recipients.append(agency.code)
        return
    try:
        # The log row and the email stand or fall together: a failed send is retried next run.
        with transaction.atomic():
            ReminderLog.objects.create(
                agency=agency,
                period=period,
                sent_on=today,
                items=len(items),
                recipients=len(recipients),
            )
            # In Indonesian: the recipients' chosen language is unknown (and a command has none).
            with translation.override("id"):
                subject = _subject(agency, period, today)
                body = _body(agency, period, items, today, documents)
            send_mail(
                subject=subject,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
    except IntegrityError:  # the unique (agency, day) row: this agency was reminded today
        report.already_sent.append(agency.code)
        return
    report.sent.append(agency.code)
    logger.info(
        "reminder sent agency=%s period=%s items=%s recipients=%s",
        agency.code,
        period.pk,
        len(items),
        len(recipients),
        extra={
            "event": "reminder",
            "agency": agency.code,
            "period": period.pk,
            "items": len(items),
            "recipients": len(recipients),
        },
    )


STATUS_TEXT = {
    "missing": gettext_lazy("belum diisi"),
    S.DRAFT: gettext_lazy("masih draf"),
    S.RETURNED: gettext_lazy("dikembalikan"),
}


def _subject(agency, period, today) -> str:
    return _("[Portal KLA] %(agency)s: batas pengisian %(date)s (%(days)s hari lagi)") % {
        "agency": agency,
        "date": f"{period.closes_on:%d-%m-%Y}",
        "days": period.days_left(today),
    }


def _body(agency, period, items, today, documents=()) -> str:
    lines = [
        _("Yth. operator %(agency)s,") % {"agency": agency.name},
        "",
        _("Batas pengisian KLA %(region)s tahun %(year)s adalah %(date)s, %(days)s hari lagi.")
        % {
            "region": period.region.name,
            "year": period.year,
            "date": f"{period.closes_on:%d-%m-%Y}",
            "days": period.days_left(today),
        },
    ]
    if items:  # an agency may be told only of documents that expire soon
        lines += [
            ngettext(
                "Masih ada %(count)s butir yang perlu dilengkapi dan diajukan:",
                "Masih ada %(count)s butir yang perlu dilengkapi dan diajukan:",
                len(items),
            )
            % {"count": len(items)},
            "",
        ]
        lines += [f"- {item.code} ({STATUS_TEXT[item.status]}): {item.name}" for item in items]
    if documents:
        lines += [
            "",
            _("Dokumen yang masa berlakunya segera berakhir (perbarui sebelum verifikasi):"),
        ]
        lines += [f"- {d.item_code}: {d.name} ({d.valid_until:%d-%m-%Y})" for d in documents]
    lines += ["", _("Silakan masuk ke Portal KLA untuk melengkapinya."), "", "DP3AKB"]
    return "\n".join(lines)


def certificates_send(*, regions, today: datetime.date, report: ReminderReport) -> None:
    """One email per agency and day listing its places' certificates that end soon."""
    by_agency: dict[int, list] = {}
    for certification in expiring_certifications(regions=regions, today=today).filter(
        facility__isnull=False
    ):
        by_agency.setdefault(certification.facility.agency_id, []).append(certification)
    agencies = Agency.objects.filter(pk__in=by_agency).prefetch_related("members").order_by("code")
    for agency in agencies:
        recipients = sorted(
            {user.email for user in agency.members.all() if user.is_active and user.email}
        )
        if not recipients:
            report.certificates_without_recipients.append(agency.code)
            continue
        certifications = by_agency[agency.pk]
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    agency=agency,
                    kind=ReminderLog.Kind.CERTIFICATES,
                    sent_on=today,
                    items=len(certifications),
                    recipients=len(recipients),
                )
                with translation.override("id"):
                    subject = _(
                        "[Portal KLA] %(agency)s: %(count)s sertifikat fasilitas segera berakhir"
                    ) % {"agency": agency, "count": len(certifications)}
                    body = _certificates_body(agency, certifications)
                send_mail(
                    subject=subject,
                    message=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                )
        except IntegrityError:  # the unique (agency, kind, day) row: reminded today already
            report.certificates_already_sent.append(agency.code)
            continue
        report.certificates_sent.append(agency.code)
        logger.info(
            "certificate reminder sent agency=%s certificates=%s recipients=%s",
            agency.code,
            len(certifications),
            len(recipients),
            extra={
                "event": "reminder",
                "kind": ReminderLog.Kind.CERTIFICATES,
                "agency": agency.code,
                "items": len(certifications),
                "recipients": len(recipients),
            },
        )


def _certificates_body(agency, certifications) -> str:
    lines = [
        _("Yth. operator %(agency)s,") % {"agency": agency.name},
        "",
        _(
            "Sertifikat berikut di register fasilitas berakhir dalam %(days)s hari ke depan. "
            "Ajukan perpanjangan atau penilaian ulang, lalu perbarui datanya di Portal KLA:"
        )
        % {"days": alert_days()},
        "",
    ]
    lines += [
        f"- {c.standard.code} {c.facility.name} ({c.facility.kelurahan}): "
        + _("berlaku sampai %(date)s") % {"date": f"{c.valid_until:%d-%m-%Y}"}
        for c in certifications
    ]
    lines += ["", "DP3AKB"]
    return "\n".join(lines)

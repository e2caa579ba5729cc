"""Emails to an agency's members when DP3AKB returns, approves, reopens or imports over their
submissions."""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import ReviewEvent, Submission

logger = logging.getLogger(__name__)

SUBJECTS = {
    ReviewEvent.Action.APPROVED: gettext_lazy("[Portal KLA] Isian %(code)s disetujui"),
    ReviewEvent.Action.RETURNED: gettext_lazy(
        "[Portal KLA] Isian %(code)s dikembalikan: perlu perbaikan"
    ),
    ReviewEvent.Action.REOPENED: gettext_lazy(
        "[Portal KLA] Isian %(code)s dibuka kembali: perlu perbaikan"
    ),
}
IMPORT_SUBJECT = gettext_lazy("[Portal KLA] %(count)s isian %(agency)s diubah lewat impor DP3AKB")
IMPORT_LINES = 50  # a longer list ends with "and N more": the portal shows them all
# Emails go out in Indonesian whatever the reviewer reads: the portal does not know which
# language each recipient chose, and Indonesian is the one every agency reads.
EMAIL_LANGUAGE = "id"


def agency_recipients(agency) -> list[str]:
    """The addresses of an agency's active members (every email to an agency goes to them)."""
    return list(
        agency.members.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )


_recipients = agency_recipients


def review_notify(event: ReviewEvent) -> None:
    """Email the submission's agency members about a review; a failure is logged, not raised."""
    if event.action not in SUBJECTS:
        return
    try:
        submission = event.submission
        recipients = _recipients(submission.agency)
        if not recipients:
            return
        with translation.override(EMAIL_LANGUAGE):
            subject = SUBJECTS[event.action] % {"code": submission.item.code}
            body = review_body(event)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # the review is committed; a mail outage must not surface as an error
        logger.exception("Review email for event %s was not sent", event.pk)


def review_body(event: ReviewEvent) -> str:
    """The plain-text email: what happened, the reviewer's note, and what to do next."""
    s = event.submission
    when = timezone.localtime(event.created_at).strftime("%d-%m-%Y %H:%M")
    lines = [
        _("Yth. %(agency)s,") % {"agency": s.agency.name},
        "",
        _(
            "Isian butir %(code)s (%(name)s) periode %(year)s: %(action)s oleh DP3AKB pada "
            "%(when)s WITA."
        )
        % {
            "code": s.item.code,
            "name": s.item.name,
            "year": s.period.year,
            "action": event.get_action_display().lower(),
            "when": when,
        },
        _("Status sekarang: %(status)s.") % {"status": s.get_status_display()},
    ]
    if event.note:
        lines += ["", _("Catatan peninjau:"), event.note]
    if event.action != ReviewEvent.Action.APPROVED:
        lines += ["", _("Silakan perbaiki isian dan ajukan kembali melalui Portal KLA.")]
    lines += ["", _("Pesan ini dikirim otomatis oleh Portal KLA.")]
    return "\n".join(lines)


def import_notify_agencies(period, events: list[ReviewEvent]) -> None:
    """Email each agency whose submissions an import wrote, once, listing them with their state."""
    by_agency = defaultdict(list)
    for event in events:
        by_agency[event.submission.agency_id].append(event)
    for agency_events in by_agency.values():
        agency = agency_events[0].submission.agency
        try:
            recipients = _recipients(agency)
            if not recipients:
                continue
            with translation.override(EMAIL_LANGUAGE):
                subject = IMPORT_SUBJECT % {"count": len(agency_events), "agency": agency.code}
                body = import_body(period, agency, agency_events)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # the import is committed; a mail outage must not surface as an error
            logger.exception("Import email for agency %s was not sent", agency.pk)


def import_body(period, agency, events: list[ReviewEvent]) -> str:
    """The plain-text email of an import: each item as it is now and as it was before."""
    when = timezone.localtime(events[0].created_at).strftime("%d-%m-%Y %H:%M")
    lines = [
        _("Yth. %(agency)s,") % {"agency": agency.name},
        "",
        _(
            "DP3AKB mengimpor nilai isian periode %(year)s pada %(when)s WITA. Isian berikut "
            "berubah:"
        )
        % {"year": period.year, "when": when},
        "",
    ]
    for event in events[:IMPORT_LINES]:
        s = event.submission
        line = _("- %(code)s: sekarang %(answer)s (%(status)s).") % {
            "code": s.item.code,
            "answer": s.answer_display(),
            "status": s.get_status_display(),
        }
        lines.append(f"{line} {event.note}".rstrip())
    if len(events) > IMPORT_LINES:
        lines.append(_("... dan %(count)s isian lainnya.") % {"count": len(events) - IMPORT_LINES})
    approved = Submission.Status.APPROVED
    if any(e.from_status == approved and e.to_status != approved for e in events):
        lines += [
            "",
            _(
                "Isian yang sebelumnya disetujui kini menunggu tinjauan ulang DP3AKB dan tidak "
                "dihitung dalam nilai terverifikasi sampai disetujui kembali."
            ),
        ]
    lines += ["", _("Pesan ini dikirim otomatis oleh Portal KLA.")]
    return "\n".join(lines)

"""Emails to an agency's members when DP3AKB returns, approves or reopens their submission."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from indicators.models import ReviewEvent

logger = logging.getLogger(__name__)

SUBJECTS = {
    ReviewEvent.Action.APPROVED: "[Portal KLA] Isian {code} disetujui",
    ReviewEvent.Action.RETURNED: "[Portal KLA] Isian {code} dikembalikan: perlu perbaikan",
    ReviewEvent.Action.REOPENED: "[Portal KLA] Isian {code} dibuka kembali: perlu perbaikan",
}


def review_notify(event: ReviewEvent) -> None:
    """Email the submission's agency members about a review; a failure is logged, not raised."""
    if event.action not in SUBJECTS:
        return
    try:
        submission = event.submission
        recipients = list(
            submission.agency.members.filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if not recipients:
            return
        send_mail(
            SUBJECTS[event.action].format(code=submission.item.code),
            review_body(event),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except Exception:  # the review is committed; a mail outage must not surface as an error
        logger.exception("Review email for event %s was not sent", event.pk)


def review_body(event: ReviewEvent) -> str:
    """The plain-text email: what happened, the reviewer's note, and what to do next."""
    s = event.submission
    when = timezone.localtime(event.created_at).strftime("%d-%m-%Y %H:%M")
    lines = [
        f"Yth. {s.agency.name},",
        "",
        f"Isian butir {s.item.code} ({s.item.name}) periode {s.period.year}: "
        f"{event.get_action_display().lower()} oleh DP3AKB pada {when} WITA.",
        f"Status sekarang: {s.get_status_display()}.",
    ]
    if event.note:
        lines += ["", "Catatan peninjau:", event.note]
    if event.action != ReviewEvent.Action.APPROVED:
        lines += ["", "Silakan perbaiki isian dan ajukan kembali melalui Portal KLA."]
    lines += ["", "Pesan ini dikirim otomatis oleh Portal KLA."]
    return "\n".join(lines)

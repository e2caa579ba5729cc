"""Emails to an agency's members when DP3AKB returns, approves or reopens their submission."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import ReviewEvent

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
# Emails go out in Indonesian whatever the reviewer reads: the portal does not know which
# language each recipient chose, and Indonesian is the one every agency reads.
EMAIL_LANGUAGE = "id"


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

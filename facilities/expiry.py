"""Reads of the register's expiry alerts: granted certificates whose last valid day is near.

One rule for the supplying agency's home, the dashboard and the reminders: a certificate is
expiring when it is granted, its place is active (or it is a kelurahan's designation), and its
last valid day falls from today to `FACILITY_EXPIRY_ALERT_DAYS` days ahead.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from facilities.models import Certification, Facility
from indicators.models import Kelurahan


def alert_days() -> int:
    return settings.FACILITY_EXPIRY_ALERT_DAYS


def expiring_certifications(
    *,
    agencies=None,
    regions=None,
    today: datetime.date | None = None,
    days: int | None = None,
) -> QuerySet[Certification]:
    """Certificates ending within `days` of `today`, soonest first, of the given agencies'
    places or of the given regions (places and designations), with what a list shows."""
    today = today or timezone.localdate()
    days = alert_days() if days is None else days
    found = Certification.objects.filter(
        Q(facility__isnull=True) | Q(facility__active=True),
        stage=Certification.Stage.GRANTED,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=days),
    )
    if agencies is not None:
        found = found.filter(facility__agency__in=agencies)
    if regions is not None:
        # By ids, as `selectors.register_on`: no OR across joins of every certificate.
        found = found.filter(
            Q(facility__in=Facility.objects.filter(region__in=regions).values("pk"))
            | Q(kelurahan__in=Kelurahan.objects.filter(kecamatan__region__in=regions).values("pk"))
        )
    return found.select_related(
        "standard", "facility__agency", "facility__kelurahan", "kelurahan"
    ).order_by("valid_until", "standard__code", "pk")

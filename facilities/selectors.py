"""Reads of the register: which certificates hold on a day."""

from __future__ import annotations

import datetime

from django.db.models import Q

from facilities.models import Certification


def holding_on(day: datetime.date, prefix: str = "") -> Q:
    """Certifications granted on or before `day` and still valid on it (the end date counts).

    `prefix` reaches them from another model, e.g. `certifications__`.
    """
    return Q(
        **{
            f"{prefix}stage": Certification.Stage.GRANTED,
            f"{prefix}granted_on__lte": day,
        }
    ) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))

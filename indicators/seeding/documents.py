"""Demo documents: each demo file answers one of the item's requirements, with believable dates.

The mix is deliberate so every reader has something to see: most required documents are there
and recent, some items lack their decree (SK), and one certificate has expired before the
reference date.
"""

from __future__ import annotations

import datetime
import hashlib
import random

from django.core.files.base import ContentFile

from clusters.models import EvidenceRequirement
from indicators.models import Evidence, Period, Submission

MISSING_DECREE_SHARE = 0.25


class DemoDocuments:
    """Attach the demo files of one period's submissions, deciding the gaps as it goes."""

    def __init__(self, period: Period, rng: random.Random, *, complete: bool = False):
        self.period = period
        self.rng = rng
        self.complete = complete  # a finished year: every document present and in force
        self.expired_done = complete
        self.by_item: dict[int, list[EvidenceRequirement]] = {}
        for r in EvidenceRequirement.objects.filter(
            item__indicator__cluster__framework=period.framework
        ).order_by("order"):
            self.by_item.setdefault(r.item_id, []).append(r)

    def attach(self, submission: Submission, title: str, pdf) -> None:
        requirements = self.by_item.get(submission.item_id, [])
        if not requirements:
            _save(submission, title, pdf(title))
            return
        for requirement in requirements:
            if not requirement.required and self.rng.random() < 0.5:
                continue
            if (
                not self.complete
                and requirement.doc_type == EvidenceRequirement.DocType.DECREE
                and self.rng.random() < MISSING_DECREE_SHARE
            ):
                continue  # the decree never made it into the portal
            name = f"{title} {requirement.code}"
            _save(submission, name, pdf(name), **self._dates(requirement))

    def _dates(self, requirement: EvidenceRequirement) -> dict:
        reference = self.period.reference_on
        latest = min(reference, datetime.date.today())
        dated = latest - datetime.timedelta(days=self.rng.randint(15, 300))
        dates = {"requirement": requirement, "document_date": dated}
        if requirement.must_be_in_force:
            dated = latest - datetime.timedelta(days=self.rng.randint(200, 900))
            dates.update(document_date=dated, valid_until=dated + datetime.timedelta(days=365 * 5))
            if requirement.doc_type == EvidenceRequirement.DocType.CERTIFICATE:
                dates["valid_until"] = dated + datetime.timedelta(days=365 * 3)
                if requirement.required and not self.expired_done:
                    # The one certificate that lapsed shortly before the reference date.
                    self.expired_done = True
                    dates.update(
                        document_date=reference - datetime.timedelta(days=3 * 365 + 20),
                        valid_until=reference - datetime.timedelta(days=20),
                    )
        number = f"{self.rng.randint(1, 999)}/{requirement.code.upper()}/{dated.year}"
        return {**dates, "document_number": number}


def _save(submission, title, content, **details) -> None:
    evidence = Evidence(
        submission=submission,
        original_name=f"{title.replace(' ', '_')}.pdf",
        title=title,
        kind=Evidence.Kind.DOCUMENT,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        **details,
    )
    evidence.file.save(evidence.original_name, ContentFile(content), save=False)
    evidence.save()

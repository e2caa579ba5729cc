"""Review actions on many submissions at once, each at the version the reviewer saw."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.services import workflow

APPROVE, RETURN, REOPEN = workflow.APPROVE, workflow.RETURN, workflow.REOPEN
ACTIONS = {
    APPROVE: workflow.submission_approve,
    RETURN: workflow.submission_return,
    REOPEN: workflow.submission_reopen,
}


@dataclass
class ReviewOutcome:
    """How many submissions a review action changed, and why the others were skipped."""

    action: str
    done: int = 0
    skipped: Counter = field(default_factory=Counter)

    def message(self) -> str:
        done = {
            APPROVE: ngettext("%(n)d isian disetujui.", "%(n)d isian disetujui.", self.done),
            RETURN: ngettext("%(n)d isian dikembalikan.", "%(n)d isian dikembalikan.", self.done),
            REOPEN: ngettext(
                "%(n)d isian dibuka kembali.", "%(n)d isian dibuka kembali.", self.done
            ),
        }[self.action] % {"n": self.done}
        if not self.skipped:
            return done
        reasons = "; ".join(f"{count} × {reason}" for reason, count in self.skipped.most_common())
        skipped = sum(self.skipped.values())
        return f"{done} " + _("%(n)d dilewati: %(reasons)s") % {"n": skipped, "reasons": reasons}


def review_many(
    *, action: str, versions: dict[int, int | None], actor, note: str = ""
) -> ReviewOutcome:
    """Apply one review action to each submission at the version the reviewer saw."""
    outcome = ReviewOutcome(action)
    service = ACTIONS[action]
    # Approving passes the note too: it is the reason for approving a submission with gaps.
    extra = {"note": note}
    for pk, version in versions.items():
        if version is None:
            # Without the version the reviewer saw, the change could not be checked: never blind.
            outcome.skipped[_("versi yang dilihat tidak diketahui (muat ulang halaman)")] += 1
            continue
        try:
            service(submission_id=pk, actor=actor, version=version, **extra)
        except workflow.Conflict:
            outcome.skipped[_("diubah orang lain sejak halaman dimuat")] += 1
        except workflow.WorkflowError as exc:
            outcome.skipped[str(exc)] += 1
        else:
            outcome.done += 1
    return outcome

"""The year's work: regions, agencies, periods, submissions, evidence, review and results."""

from indicators.models.packs import VerificationPack
from indicators.models.periods import ImportConfirmation, OfficialResult, Period, ReminderLog
from indicators.models.regions import (
    Agency,
    Assignment,
    Kecamatan,
    Kelurahan,
    ProvinceMembership,
    Region,
)
from indicators.models.submissions import (
    REVIEW_QUEUE_STATUSES,
    Evidence,
    ReviewEvent,
    Submission,
    evidence_path,
    evidence_storage,
    review_queue_rank,
)

__all__ = [
    "REVIEW_QUEUE_STATUSES",
    "Agency",
    "Assignment",
    "Evidence",
    "ImportConfirmation",
    "Kecamatan",
    "Kelurahan",
    "OfficialResult",
    "Period",
    "ProvinceMembership",
    "Region",
    "ReminderLog",
    "ReviewEvent",
    "Submission",
    "VerificationPack",
    "evidence_path",
    "evidence_storage",
    "review_queue_rank",
]

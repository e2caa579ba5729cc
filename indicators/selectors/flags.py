"""Signs of copied or doubtful data, shown to the operator before submitting and to the verifier.

Four signs: the value equals last year's exactly; it moved more than the thresholds in settings
(`KLA_FLAG_RELATIVE_CHANGE` of last year's value, or `KLA_FLAG_PERCENT_POINTS` for a
percentage); a file is identical (SHA-256) to one attached in an earlier period or to another
item; a document is dated before the window its requirement allows on the reference date.
A sign is not an error: the operator explains it in a note, the verifier judges it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from clusters.models import Item
from indicators.models import Evidence, Submission
from indicators.selectors import readiness as ready

SAME, MOVED, REUSED, OLD = "same_as_last_year", "large_change", "reused_file", "old_document"
CODES = (SAME, MOVED, REUSED, OLD)


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


def label(code: str) -> str:
    """A flag's short name, for filters and counters."""
    return {
        SAME: _("sama persis dengan tahun lalu"),
        MOVED: _("berubah jauh dari tahun lalu"),
        REUSED: _("berkas dipakai ulang"),
        OLD: _("dokumen bertanggal terlalu lama"),
    }[code]


def _value(kind: str, answer_yes, numerator, denominator, count):
    """The comparable value of an answer: yes/no, a percentage, or a count (None: no value)."""
    if kind == Item.Kind.CHECK:
        return answer_yes
    if kind == Item.Kind.PERCENT:
        if numerator is None or not denominator:
            return None
        return Decimal(numerator) * 100 / Decimal(denominator)
    return None if count is None else Decimal(count)


def _same(kind, now, before) -> bool:
    return now is not None and before is not None and now == before


def _moved(kind, now, before) -> bool:
    if now is None or before is None or kind == Item.Kind.CHECK:
        return False
    if kind == Item.Kind.PERCENT:
        return abs(now - before) > Decimal(str(settings.KLA_FLAG_PERCENT_POINTS))
    if before == 0:
        return now != 0
    return abs(now - before) / abs(before) > Decimal(str(settings.KLA_FLAG_RELATIVE_CHANGE))


def _previous_values(submissions: list[Submission]) -> dict[int, object]:
    """Per submission id, the agency's value for the item in the latest earlier period."""
    rows = (
        Submission.objects.filter(
            period__region_id__in={s.period.region_id for s in submissions},
            period__year__lt=max(s.period.year for s in submissions),
            agency_id__in={s.agency_id for s in submissions},
            item__code__in={s.item.code for s in submissions},
        )
        .order_by("period__year")
        .values_list(
            "period__region_id",
            "period__year",
            "agency_id",
            "item__code",
            "answer_yes",
            "numerator",
            "denominator",
            "count",
        )
    )
    history = defaultdict(list)  # oldest first
    for region_id, year, agency_id, code, *answer in rows:
        history[(region_id, agency_id, code)].append((year, answer))
    found = {}
    for s in submissions:
        earlier = [
            answer
            for year, answer in history.get((s.period.region_id, s.agency_id, s.item.code), [])
            if year < s.period.year
        ]
        if earlier:
            found[s.pk] = _value(s.item.kind, *earlier[-1])
    return found


def _reused(submissions: list[Submission], shas=None) -> set[int]:
    """Submissions with a file identical to one attached in an earlier period or to another item.

    `shas` are (submission id, sha256) pairs when the caller has already loaded the files.
    """
    mine = defaultdict(set)
    if shas is None:
        shas = Evidence.objects.filter(submission__in=[s.pk for s in submissions]).values_list(
            "submission_id", "sha256"
        )
    for submission_id, sha in shas:
        mine[sha].add(submission_id)
    if not mine:
        return set()
    by_id = {s.pk: s for s in submissions}
    reused = set()
    # Within each submission's own region only: another region's identical file (a national
    # template, say) is no sign of copying, and flagging it would tell an operator whether a
    # file exists anywhere in the country.
    regions = {s.period.region_id for s in submissions}
    for sha, submission_id, item_code, year, region_id in (
        Evidence.objects.filter(sha256__in=list(mine), submission__period__region_id__in=regions)
        .order_by()
        .values_list(
            "sha256",
            "submission_id",
            "submission__item__code",
            "submission__period__year",
            "submission__period__region_id",
        )
    ):
        for pk in mine[sha]:
            s = by_id[pk]
            if region_id != s.period.region_id or submission_id == pk:
                continue
            if year < s.period.year or item_code != s.item.code:
                reused.add(pk)
    return reused


def flags_of(
    submissions: Iterable[Submission],
    readiness: dict[int, ready.Readiness],
    *,
    previous: dict[int, Submission | None] | None = None,
    files: list[Evidence] | None = None,
) -> dict[int, list[Flag]]:
    """Per saved submission id, its signs, in three queries whatever their number.

    Submissions need their item and period loaded; `readiness` is theirs (`readiness_of`).
    A page that already holds last year's submissions (`previous`, by submission id) and the
    files saves two of the queries.
    """
    submissions = [s for s in submissions if s.pk]
    if not submissions:
        return {}
    if previous is None:
        previous = _previous_values(submissions)
    else:
        previous = {
            pk: _value(p.item.kind, p.answer_yes, p.numerator, p.denominator, p.count)
            for pk, p in previous.items()
            if p is not None
        }
    shas = None if files is None else [(e.submission_id, e.sha256) for e in files]
    reused = _reused(submissions, shas)
    found = {}
    for s in submissions:
        flags = []
        now = _value(s.item.kind, s.answer_yes, s.numerator, s.denominator, s.count)
        before = previous.get(s.pk)
        if _same(s.item.kind, now, before):
            flags.append(Flag(SAME, _("Nilai sama persis dengan periode sebelumnya.")))
        elif _moved(s.item.kind, now, before):
            flags.append(
                Flag(
                    MOVED,
                    _("Nilai berubah jauh dari periode sebelumnya (%(before)s).")
                    % {"before": _shown(before)},
                )
            )
        if s.pk in reused:
            flags.append(
                Flag(
                    REUSED,
                    _("Ada berkas yang sama persis dengan berkas periode lalu atau butir lain."),
                )
            )
        old = _old_documents(readiness.get(s.pk))
        if old:
            flags.append(
                Flag(
                    OLD,
                    _("Dokumen bertanggal sebelum batas yang diterima: %(codes)s.")
                    % {"codes": ", ".join(old)},
                )
            )
        found[s.pk] = flags
    return found


def _shown(value) -> str:
    if isinstance(value, bool):
        return str(_("Ya")) if value else str(_("Tidak"))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _old_documents(readiness: ready.Readiness | None) -> list[str]:
    """Codes of requirements with a file dated before the window they allow."""
    if readiness is None:
        return []
    old = []
    for check in readiness.checks:
        earliest = ready.earliest_date(check.requirement, readiness.reference_date)
        if earliest and any(d.document_date < earliest for d in check.documents):
            old.append(check.requirement.code)
    return old


def submission_flags(submission: Submission) -> list[Flag]:
    """The signs of one saved submission (item and period loaded), in five queries."""
    readiness = ready.readiness_of([submission])
    return flags_of([submission], readiness).get(submission.pk, [])

"""Writes of findings: record, answer, close, reopen. Each checks who acts and the version the
actor saw, so two people acting at once get a conflict, never a silent overwrite."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import access
from indicators.models import Agency, Assignment
from indicators.selectors.workspace import submission_for
from indicators.services.documents import document_add
from indicators.services.workflow import period_refusal
from verification.access import can_record_findings
from verification.models import Finding, FindingEvent, FindingResponse
from verification.selectors.findings import waiting_on
from verification.services import mail

F = Finding.Status
TEXT_LIMIT = 4000


class FindingError(Exception):
    """A change of a finding that is not allowed now; the message is shown as it is."""


class FindingConflict(FindingError):
    def __init__(self):
        super().__init__(_("Catatan ini sudah diubah orang lain. Muat ulang halaman."))


def default_due(stage: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """When a new (or reopened) finding of a stage is due: FINDING_DUE_HOURS per stage."""
    hours = settings.FINDING_DUE_HOURS.get(stage, settings.FINDING_DUE_HOURS_DEFAULT)
    return (now or timezone.now()) + datetime.timedelta(hours=hours)


def _clean_text(text: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise FindingError(_("%(label)s wajib diisi.") % {"label": label})
    if len(text) > TEXT_LIMIT:
        raise FindingError(
            _("%(label)s terlalu panjang (paling banyak %(n)d karakter).")
            % {"label": label, "n": TEXT_LIMIT}
        )
    return text


def finding_problems(*, period, item, indicator, agencies) -> list[str]:
    """What is wrong with a finding's target and agencies (shown by the admin form too)."""
    problems = []
    if (item is None) == (indicator is None):
        problems.append(_("Pilih satu butir atau satu indikator, tidak keduanya."))
    framework_id = period.framework_id
    if item is not None and item.indicator.cluster.framework_id != framework_id:
        problems.append(_("Butir ini bukan bagian dari instrumen periode ini."))
    if indicator is not None and indicator.cluster.framework_id != framework_id:
        problems.append(_("Indikator ini bukan bagian dari instrumen periode ini."))
    if not agencies:
        problems.append(_("Pilih paling sedikit satu OPD yang harus menindaklanjuti."))
    elif any(a.region_id != period.region_id for a in agencies):
        problems.append(_("Semua OPD harus dari wilayah periode ini."))
    return problems


@transaction.atomic
def finding_create(
    *,
    period,
    stage: str,
    text: str,
    agencies: list[Agency],
    actor,
    item=None,
    indicator=None,
    due_at: datetime.datetime | None = None,
) -> Finding:
    """Record a finding for agencies to act on, and email them once it is committed."""
    if refusal := period_refusal(period, entry=False):
        raise FindingError(refusal)
    if not can_record_findings(actor, period.region, stage):
        raise FindingError(_("Hanya verifikator wilayah ini yang dapat mencatat temuan."))
    if problems := finding_problems(
        period=period, item=item, indicator=indicator, agencies=agencies
    ):
        raise FindingError(" ".join(problems))
    finding = Finding.objects.create(
        period=period,
        stage=stage,
        item=item,
        indicator=indicator,
        text=_clean_text(text, _("Catatan")),
        due_at=due_at or default_due(stage),
        created_by=actor,
    )
    finding.agencies.set(agencies)
    FindingEvent.objects.create(finding=finding, to_status=F.OPEN, actor=actor)
    transaction.on_commit(lambda: mail.finding_assigned_notify(finding.pk))
    return finding


def _locked(finding: Finding, version: int | None) -> Finding:
    current = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("period__region", "item", "indicator")
        .get(pk=finding.pk)
    )
    if version is None or int(version) != current.version:
        raise FindingConflict()
    # A locked period's findings stay as the year ended: nobody answers, closes or reopens them.
    if refusal := period_refusal(current.period, entry=False):
        raise FindingError(refusal)
    return current


def _move(current: Finding, to: str, actor, note: str = "", **fields) -> Finding:
    FindingEvent.objects.create(
        finding=current, from_status=current.status, to_status=to, note=note, actor=actor
    )
    current.status = to
    current.version += 1
    for name, value in fields.items():
        setattr(current, name, value)
    current.save()
    return current


def answer_items(finding: Finding, agency: Agency):
    """The items an agency may attach an answering file to: the finding's item, or the items of
    the finding's indicator assigned to the agency."""
    assigned = Assignment.objects.filter(agency=agency).values("item_id")
    if finding.item_id:
        return type(finding.item).objects.filter(pk=finding.item_id, pk__in=assigned)
    return (
        finding.indicator.items.filter(pk__in=assigned)
        .select_related("indicator")
        .order_by("order", "code")
    )


@transaction.atomic
def finding_answer(
    *,
    finding: Finding,
    agency: Agency,
    note: str,
    actor,
    version: int | None,
    upload=None,
    item=None,
    title: str = "",
    document: dict | None = None,
) -> FindingResponse:
    """An agency's answer: a note and maybe a new file (checked and counted like any upload,
    attached to the agency's answer of the item); the finding then waits on DP3AKB."""
    current = _locked(finding, version)
    if current.status == F.CLOSED:
        raise FindingError(_("Catatan ini sudah selesai; minta DP3AKB membukanya kembali."))
    # The agencies the actor enters data for (operators only), as on the item page.
    if (
        not current.agencies.filter(pk=agency.pk).exists()
        or not access.operator_agencies(actor).filter(pk=agency.pk).exists()
    ):
        raise FindingError(_("OPD ini tidak diminta menindaklanjuti catatan ini."))
    note = _clean_text(note, _("Tanggapan"))
    evidence = None
    if upload is not None:
        allowed = list(answer_items(current, agency))
        chosen = item or (allowed[0] if len(allowed) == 1 else None)
        if chosen is None or chosen.pk not in {i.pk for i in allowed}:
            raise FindingError(_("Pilih butir OPD ini yang dijawab oleh berkas."))
        submission = submission_for(agency=agency, item=chosen, period=current.period)
        if submission.pk is None:
            submission.save()
        # The requirement it meets and its number and dates (`forms_documents.document_details`).
        details = {"requirement": None, **(document or {})}
        evidence = document_add(
            submission=submission,
            upload=upload,
            actor=actor,
            title=title,
            answering=True,
            **details,
        )
    response = FindingResponse.objects.create(
        finding=current, agency=agency, note=note, evidence=evidence, actor=actor
    )
    if waiting_on(current):
        # Others named have not answered since it was (re)opened: it stays open, and overdue
        # and reminded, for them; the version moves so a page seen before this answer conflicts.
        current.version += 1
        current.save(update_fields=["version"])
    else:
        _move(current, F.ANSWERED, actor, note)
    return response


def decide_refusal(finding: Finding, actor) -> str | None:
    """Why the actor may not settle this finding: only its region's verifiers (or its
    province's, for the province's own stage), and never one who answered it for an agency
    named (the separation of duties of `workflow.review_refusal`)."""
    if not can_record_findings(actor, finding.period.region, finding.stage):
        return _("Hanya verifikator wilayah ini yang dapat memutuskan catatan ini.")
    if finding.responses.filter(actor=actor).exists():
        return _("Anda menjawab catatan ini untuk OPD; minta verifikator lain memutuskannya.")
    return None


@transaction.atomic
def finding_close(*, finding: Finding, actor, version: int | None, note: str = "") -> Finding:
    """DP3AKB settles a finding (answered, or no longer needed)."""
    current = _locked(finding, version)
    if refusal := decide_refusal(current, actor):
        raise FindingError(refusal)
    if current.status == F.CLOSED:
        raise FindingError(_("Catatan ini sudah selesai."))
    return _move(
        current, F.CLOSED, actor, (note or "").strip(), closed_by=actor, closed_at=timezone.now()
    )


@transaction.atomic
def finding_reopen(
    *,
    finding: Finding,
    actor,
    version: int | None,
    note: str,
    due_at: datetime.datetime | None = None,
) -> Finding:
    """DP3AKB sends a finding back to its agencies (the answer is not enough, or it was closed
    too early), with a note and a new due time; they are emailed again."""
    current = _locked(finding, version)
    if refusal := decide_refusal(current, actor):
        raise FindingError(refusal)
    if current.status == F.OPEN:
        raise FindingError(_("Catatan ini masih terbuka."))
    note = _clean_text(note, _("Alasan membuka kembali"))
    reopened = _move(
        current,
        F.OPEN,
        actor,
        note,
        due_at=due_at or default_due(current.stage),
        closed_by=None,
        closed_at=None,
        reminded_at=None,
    )
    transaction.on_commit(lambda: mail.finding_assigned_notify(reopened.pk, reopened=True))
    return reopened

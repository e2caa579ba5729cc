"""Answers and their evidence, with every review step."""

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import EvidenceRequirement, Item
from indicators.answers import format_answer
from indicators.models.periods import Period
from indicators.models.regions import Agency

# The review queue's order: waiting for review first, then returned, approved and drafts.
REVIEW_QUEUE_STATUSES = ("submitted", "returned", "approved", "draft")


def review_queue_rank() -> models.Case:
    """A status's place in the review queue: the index and the admin's ordering share it.

    PostgreSQL uses the `submission_review_queue` index only for this exact expression, so a
    second copy that drifted would silently sort every submission again.
    """
    return models.Case(
        *(
            models.When(status=status, then=models.Value(rank))
            for rank, status in enumerate(REVIEW_QUEUE_STATUSES)
        ),
        output_field=models.IntegerField(),
    )


class Submission(models.Model):
    """One agency's answer for one item in one period, with its review status and version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        RETURNED = "returned", _("Dikembalikan")
        APPROVED = "approved", _("Disetujui")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="submissions")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="submissions")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions")
    answer_yes = models.BooleanField(_("jawaban ya/tidak"), null=True, blank=True)
    numerator = models.DecimalField(
        _("pembilang"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("penyebut"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    count = models.PositiveBigIntegerField(_("jumlah"), null=True, blank=True)
    narrative = models.TextField(_("keterangan"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    # Readiness for the ministry's verification (selectors/readiness.py, services/workflow.py).
    flag_note = models.TextField(
        _("penjelasan tanda data"),
        blank=True,
        help_text=_(
            "Penjelasan OPD atas nilai yang sama, berubah jauh, atau berkas yang dipakai ulang."
        ),
    )
    approved_with_gaps = models.BooleanField(_("disetujui dengan kekurangan"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "item__code", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "item", "period"], name="submission_one_per_agency_item_period"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="submission_numerator_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="submission_denominator_positive",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name="submission_numerator_within_denominator",
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__gte=0),
                name="submission_count_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="submission_period_status"),
            # The admin's review queue order, so a national list reads its first page from
            # the index instead of sorting every submission.
            models.Index(
                review_queue_rank(),
                F("item"),
                F("agency"),
                F("id"),
                name="submission_review_queue",
            ),
        ]
        verbose_name = _("isian")
        verbose_name_plural = _("isian")

    def __str__(self):
        return f"{self.agency} {self.item.code} {self.period.year}"

    @property
    def has_value(self) -> bool:
        kind = self.item.kind
        if kind == Item.Kind.CHECK:
            return self.answer_yes is not None
        if kind == Item.Kind.PERCENT:
            return self.numerator is not None and self.denominator is not None
        return self.count is not None

    @property
    def percentage(self):
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator * 100 / self.denominator

    def answer_display(self) -> str:
        """The answer as a person reads it: Ya/Tidak, 8.102 / 11.334 (71,48%), or a count."""
        return format_answer(self)


def evidence_storage():
    """The `evidence` storage alias, looked up when used so settings and tests can swap it."""
    return storages["evidence"]


def evidence_path(instance, filename):
    """A random name, so an uploaded name never chooses where a file lands."""
    suffix = PurePosixPath(filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A supporting file (data dukung) of a submission; stored privately under a random name."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Dokumen")
        PHOTO = "photo", _("Foto")
        SPREADSHEET = "spreadsheet", _("Lembar kerja")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(
        _("berkas"), upload_to=evidence_path, storage=evidence_storage, max_length=255
    )
    original_name = models.CharField(_("nama berkas"), max_length=255)
    title = models.CharField(_("judul"), max_length=255, blank=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    content_type = models.CharField(_("tipe isi"), max_length=100)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now)
    # Which document of the item this file is, and its dates (selectors/readiness.py).
    requirement = models.ForeignKey(
        EvidenceRequirement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dokumen yang dipenuhi"),
    )
    document_number = models.CharField(_("nomor dokumen"), max_length=120, blank=True)
    document_date = models.DateField(_("tanggal dokumen"), null=True, blank=True)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "uploaded_at"]
        # Finding a file attached elsewhere (selectors/flags.py) without reading every row.
        indexes = [models.Index(fields=["sha256"], name="evidence_sha256")]
        verbose_name = _("data dukung")
        verbose_name_plural = _("data dukung")

    def __str__(self):
        return self.title or self.original_name


class ReviewEvent(models.Model):
    """One status change of a submission: who, when, from what to what, and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Diajukan")
        APPROVED = "approved", _("Disetujui")
        RETURNED = "returned", _("Dikembalikan")
        REOPENED = "reopened", _("Dibuka kembali")
        IMPORTED = "imported", _("Diimpor")
        WITHDRAWN = "withdrawn", _("Ditarik kembali")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    from_status = models.CharField(_("dari"), max_length=10, choices=Submission.Status.choices)
    to_status = models.CharField(_("menjadi"), max_length=10, choices=Submission.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("catatan"), blank=True)
    with_gaps = models.BooleanField(_("dengan kekurangan dokumen"), default=False)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("riwayat tinjauan")
        verbose_name_plural = _("riwayat tinjauan")

    def __str__(self):
        return f"{self.submission} {self.action}"

"""The year's work: regions, agencies, periods, submissions, evidence, review and results."""

import datetime
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

from clusters.models import Framework, Item
from indicators.answers import format_answer


class Region(models.Model):
    """A kabupaten or kota that runs its evaluation here (slug `balikpapan`)."""

    slug = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    province = models.CharField(_("provinsi"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self):
        return self.name


class Kecamatan(models.Model):
    """A district of a region."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="kecamatan")
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=120)
    kelurahan_count = models.PositiveSmallIntegerField(_("jumlah kelurahan"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="kecamatan_unique_code"),
        ]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Agency(models.Model):
    """A city agency (OPD) with a stable code such as DINKES; its members act for it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="agencies")
    code = models.CharField(_("kode"), max_length=30)
    name = models.CharField(_("nama"), max_length=255)
    short_name = models.CharField(_("singkatan"), max_length=60, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="agencies", blank=True, verbose_name=_("anggota")
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["region", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="agency_unique_code"),
        ]
        verbose_name = _("perangkat daerah (OPD)")
        verbose_name_plural = _("perangkat daerah (OPD)")

    def __str__(self):
        return self.short_name or self.code


class Period(models.Model):
    """One evaluation year of a region on one framework edition, with its entry window."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="periods")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("tahun"))
    opens_on = models.DateField(_("pengisian dibuka"))
    closes_on = models.DateField(_("batas pengisian"))
    locked = models.BooleanField(
        _("dikunci"), default=False, help_text=_("Periode terkunci tidak menerima perubahan.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="period_unique_year"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="period_window_ordered"
            ),
        ]
        verbose_name = _("periode")
        verbose_name_plural = _("periode")

    def __str__(self):
        return f"{self.region} {self.year}"

    def is_open_for_entry(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.locked and self.opens_on <= today <= self.closes_on

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.closes_on - (today or timezone.localdate())).days


class Assignment(models.Model):
    """An agency supplies an item in its region (several agencies may share one item)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="assignments")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="assignments")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "item"], name="assignment_unique"),
        ]
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")

    def __str__(self):
        return f"{self.agency} → {self.item.code}"


# The review queue's order: waiting for review first, then returned, approved and drafts.
REVIEW_QUEUE_STATUSES = ("submitted", "returned", "approved", "draft")


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
            # the index instead of sorting every submission (see REVIEW_QUEUE_ORDER).
            models.Index(
                models.Case(
                    *(
                        models.When(status=status, then=models.Value(rank))
                        for rank, status in enumerate(REVIEW_QUEUE_STATUSES)
                    ),
                    output_field=models.IntegerField(),
                ),
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "uploaded_at"]
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

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    from_status = models.CharField(_("dari"), max_length=10, choices=Submission.Status.choices)
    to_status = models.CharField(_("menjadi"), max_length=10, choices=Submission.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("riwayat tinjauan")
        verbose_name_plural = _("riwayat tinjauan")

    def __str__(self):
        return f"{self.submission} {self.action}"


class OfficialResult(models.Model):
    """The scores the ministry returned for a period, to compare with the portal's forecast."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="official")
    self_assessment = models.DecimalField(
        _("penilaian mandiri"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    administrative_verification = models.DecimalField(
        _("verifikasi administrasi"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    final_score = models.DecimalField(
        _("nilai akhir"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    category = models.CharField(_("kategori"), max_length=40, blank=True)
    decree = models.CharField(_("nomor keputusan"), max_length=255, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__year"]
        verbose_name = _("hasil resmi")
        verbose_name_plural = _("hasil resmi")

    def __str__(self):
        return f"{self.period}: {self.final_score or '-'} {self.category}"


class ReminderLog(models.Model):
    """A deadline reminder sent to an agency on a day, so a rerun that day sends nothing."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField(_("tanggal kirim"))
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reminders")
    items = models.PositiveIntegerField(_("jumlah butir"), default=0)
    recipients = models.PositiveIntegerField(_("jumlah penerima"), default=0)

    class Meta:
        ordering = ["-sent_on", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "sent_on"], name="reminder_once_a_day"),
        ]
        verbose_name = _("pengingat tenggat")
        verbose_name_plural = _("pengingat tenggat")

    def __str__(self):
        return f"{self.agency} {self.sent_on}"


class ImportConfirmation(models.Model):
    """A confirmed admin import preview: its token id is stored once, so it works only once.

    In the database rather than the cache: gunicorn runs several workers and the cache may be
    each worker's local memory, while the unique constraint holds across all of them.
    """

    token = models.CharField(_("token"), max_length=64, unique=True)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("konfirmasi impor")
        verbose_name_plural = _("konfirmasi impor")

    def __str__(self):
        return f"{self.period} {self.created_at:%Y-%m-%d %H:%M}"

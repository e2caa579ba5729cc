"""Evaluation years: the entry window and lock, the ministry's results, reminders sent."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Framework
from indicators.models.regions import Agency, Region


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
    reference_date = models.DateField(
        _("tanggal acuan"),
        null=True,
        blank=True,
        help_text=_(
            "Tanggal untuk menilai apakah dokumen cukup baru dan masih berlaku; "
            "kosong: batas pengisian."
        ),
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

    @property
    def reference_on(self) -> datetime.date:
        """The date documents are judged on: the reference date, else the closing date."""
        return self.reference_date or self.closes_on

    def is_open_for_entry(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.locked and self.opens_on <= today <= self.closes_on

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.closes_on - (today or timezone.localdate())).days


class OfficialResult(models.Model):
    """The scores the ministry returned for a period, to compare with the portal's forecast."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="official")
    self_assessment = models.DecimalField(
        _("penilaian mandiri"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    administrative_verification = models.DecimalField(
        _("verifikasi administrasi"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    field_verification = models.DecimalField(
        _("verifikasi lapangan"), max_digits=7, decimal_places=2, null=True, blank=True
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
    """A reminder of one kind sent to an agency on a day, so a rerun that day sends nothing.

    One per agency, kind and day: a deadline reminder and an expiring-certificates reminder of
    the same day do not collide.
    """

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("Tenggat pengisian")
        CERTIFICATES = "certificates", _("Sertifikat register segera berakhir")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.DEADLINE)
    sent_on = models.DateField(_("tanggal kirim"))
    # Empty for a reminder of the register, which belongs to no evaluation year.
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="reminders", null=True, blank=True
    )
    items = models.PositiveIntegerField(_("jumlah butir"), default=0)
    recipients = models.PositiveIntegerField(_("jumlah penerima"), default=0)

    class Meta:
        ordering = ["-sent_on", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "sent_on"], name="reminder_once_a_day_per_kind"
            ),
        ]
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")

    def __str__(self):
        return f"{self.agency} {self.kind} {self.sent_on}"


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

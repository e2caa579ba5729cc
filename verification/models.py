"""The ministry's stages of a period, the findings its verifiers send back, and the portal's
forecast frozen on the self-assessment day."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Indicator, Item
from indicators.models import Agency, Evidence, Period


class StageKind(models.TextChoices):
    """The ministry's stages in their order; each score lives in the period's OfficialResult."""

    SELF = "self", _("Penilaian mandiri")
    VA = "va", _("Verifikasi administrasi (provinsi)")
    VL = "vl", _("Verifikasi lapangan")
    VF = "vf", _("Verifikasi final")
    DECREE = "decree", _("Keputusan menteri")


# Which OfficialResult field holds each stage's score: one home for every number, so the
# dashboard's history, the API and open data keep reading the same fields.
STAGE_SCORE_FIELD = {
    StageKind.SELF: "self_assessment",
    StageKind.VA: "administrative_verification",
    StageKind.VL: "field_verification",
    StageKind.VF: "final_score",
}
STAGE_ORDER = [kind.value for kind in StageKind]


class Stage(models.Model):
    """One stage of the ministry's evaluation of a period: when it happened and what came of it."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="stages", verbose_name=_("periode")
    )
    kind = models.CharField(_("tahap"), max_length=10, choices=StageKind.choices)
    held_on = models.DateField(
        _("tanggal"),
        help_text=_("Penilaian mandiri: tanggal dikirim ke aplikasi kementerian."),
    )
    ends_on = models.DateField(_("sampai tanggal"), null=True, blank=True)
    outcome = models.TextField(_("hasil"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kind"], name="stage_once_per_period"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("held_on")),
                name="stage_dates_ordered",
            ),
        ]
        verbose_name = _("tahap verifikasi")
        verbose_name_plural = _("tahap verifikasi")

    def __str__(self):
        return f"{self.period}: {self.get_kind_display()}"


class ForecastSnapshot(models.Model):
    """The portal's self, verified and ready totals as they stood when the self-assessment was
    sent: stored once and never recomputed, so later changes do not move them."""

    period = models.OneToOneField(
        Period, on_delete=models.CASCADE, related_name="forecast", verbose_name=_("periode")
    )
    as_of = models.DateField(_("tanggal penilaian mandiri"))
    taken_at = models.DateTimeField(_("dibekukan pada"), default=timezone.now)
    self_total = models.DecimalField(_("perkiraan mandiri"), max_digits=7, decimal_places=2)
    verified_total = models.DecimalField(
        _("perkiraan terverifikasi"), max_digits=7, decimal_places=2
    )
    ready_total = models.DecimalField(
        _("perkiraan siap verifikasi"), max_digits=7, decimal_places=2
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__year"]
        verbose_name = _("perkiraan beku")
        verbose_name_plural = _("perkiraan beku")

    def __str__(self):
        return f"{self.period} ({self.as_of})"


class Finding(models.Model):
    """A verifier's note on an item or indicator of a period, that named agencies must act on
    by a due time (catatan verifikator)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        ANSWERED = "answered", _("Dijawab")
        CLOSED = "closed", _("Selesai")

    # What a pack's `findings` scope and the agencies' home count: still waiting on someone.
    ACTIVE = (Status.OPEN, Status.ANSWERED)

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="findings", verbose_name=_("periode")
    )
    stage = models.CharField(_("tahap"), max_length=10, choices=StageKind.choices)
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("butir"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("indikator"),
        help_text=_("Isi butir atau indikator, tidak keduanya."),
    )
    text = models.TextField(_("catatan"))
    agencies = models.ManyToManyField(
        Agency, related_name="findings", verbose_name=_("OPD yang harus menindaklanjuti")
    )
    due_at = models.DateTimeField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditutup oleh"),
    )
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    # Set by the one reminder before the due time (send_finding_reminders), so it goes once.
    reminded_at = models.DateTimeField(_("pengingat dikirim"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["reminded_at"])

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, indicator__isnull=True)
                | Q(item__isnull=True, indicator__isnull=False),
                name="finding_item_or_indicator",
            ),
        ]
        indexes = [models.Index(fields=["period", "status", "due_at"], name="finding_queue")]
        verbose_name = _("catatan verifikator")
        verbose_name_plural = _("catatan verifikator")

    def __str__(self):
        return f"{self.target_code} ({self.get_stage_display()})"

    @property
    def target_code(self) -> str:
        return self.item.code if self.item_id else self.indicator.code

    def is_overdue(self, now=None) -> bool:
        """Still open past its due time (an answered finding waits on DP3AKB, not the agency)."""
        return self.status == self.Status.OPEN and self.due_at < (now or timezone.now())


class FindingResponse(models.Model):
    """An agency's answer to a finding: a note and, usually, the new file that settles it."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="responses", verbose_name=_("catatan")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("OPD")
    )
    note = models.TextField(_("tanggapan"))
    evidence = models.ForeignKey(
        Evidence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="finding_responses",
        verbose_name=_("data dukung"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tanggapan catatan")
        verbose_name_plural = _("tanggapan catatan")

    def __str__(self):
        return f"{self.finding} {self.agency.code}"


class FindingEvent(models.Model):
    """Every status change of a finding, with who, when and why (close, reopen, answer)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Finding.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Finding.Status.choices)
    note = models.TextField(_("catatan"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("riwayat catatan")
        verbose_name_plural = _("riwayat catatan")

    def __str__(self):
        return f"{self.finding_id}: {self.from_status} -> {self.to_status}"

"""Verification packs: one archive of a region's documents for the ministry's assessors."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models.periods import Period
from indicators.models.submissions import evidence_storage


def pack_path(instance, filename):
    """A random name, so nobody can guess where another region's pack lies."""
    return f"packs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.zip"


class VerificationPack(models.Model):
    """One build of the verification pack: what it holds, how far it got, and its file."""

    class Scope(models.TextChoices):
        APPROVED = "approved", _("Disetujui")
        READY = "ready", _("Siap verifikasi")
        ALL = "all", _("Semua yang diajukan")
        FINDINGS = "findings", _("Jawaban catatan verifikator")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")
        EXPIRED = "expired", _("Kedaluwarsa, berkas dihapus")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="packs", verbose_name=_("periode")
    )
    scope = models.CharField(_("cakupan"), max_length=10, choices=Scope.choices)
    cluster = models.CharField(_("klaster"), max_length=10, blank=True)
    agency = models.CharField(_("OPD"), max_length=40, blank=True)
    item = models.CharField(_("butir"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    files_total = models.PositiveIntegerField(_("jumlah berkas"), default=0)
    files_done = models.PositiveIntegerField(_("berkas selesai"), default=0)
    bytes_total = models.PositiveBigIntegerField(_("ukuran berkas (byte)"), default=0)
    bytes_done = models.PositiveBigIntegerField(_("byte selesai"), default=0)
    # Files left out because their stored checksum no longer matches, or they are gone:
    # [{"path", "evidence", "reason"}], shown beside the pack and in its index.
    left_out = models.JSONField(_("berkas tidak disertakan"), default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dimulai oleh"),
    )
    file = models.FileField(
        _("berkas"), upload_to=pack_path, storage=evidence_storage, max_length=255, blank=True
    )
    size = models.PositiveBigIntegerField(_("ukuran arsip (byte)"), null=True, blank=True)
    task_id = models.CharField(_("pekerjaan latar"), max_length=64, blank=True)
    error = models.TextField(_("sebab gagal"), blank=True)
    created_at = models.DateTimeField(_("diminta"), default=timezone.now)
    updated_at = models.DateTimeField(_("kabar terakhir"), auto_now=True)
    built_at = models.DateTimeField(_("selesai dibuat"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two builds of the same scope at once are one too many: the second is refused.
            models.UniqueConstraint(
                fields=["period", "scope", "cluster", "agency", "item"],
                condition=Q(status__in=["queued", "running"]),
                name="verificationpack_one_active_per_scope",
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="verificationpack_expires")]
        verbose_name = _("paket verifikasi")
        verbose_name_plural = _("paket verifikasi")

    def __str__(self):
        return f"{self.period} {self.get_scope_display()} #{self.pk}"

    @property
    def filters(self) -> dict[str, str]:
        """The chosen cluster, agency and item codes (only those given)."""
        chosen = {"cluster": self.cluster, "agency": self.agency, "item": self.item}
        return {key: value for key, value in chosen.items() if value}

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        """How far the build is, by bytes (files without bytes count by number)."""
        if self.status == self.Status.DONE:
            return 100
        if self.bytes_total:
            return min(99, self.bytes_done * 100 // self.bytes_total)
        if self.files_total:
            return min(99, self.files_done * 100 // self.files_total)
        return 0

    def is_downloadable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > now)
        )

    def download_name(self) -> str:
        parts = [self.period.region.slug, str(self.period.year), self.scope]
        parts += [value.lower() for value in self.filters.values()]
        return "paket-verifikasi-" + "-".join(parts) + ".zip"

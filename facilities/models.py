"""The register: facility types and standards (reference data), places and their certificates."""

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Agency, Kelurahan, Region, evidence_storage


def _codes(text: str) -> list[str]:
    return [code.strip() for code in (text or "").split("|") if code.strip()]


class FacilityType(models.Model):
    """What can be registered (shared/kla/facility_types.csv): a school, a puskesmas, a park."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=160)
    name_en = models.CharField(_("nama (Inggris)"), max_length=160, blank=True)
    agencies = models.CharField(
        _("OPD pemasok"), max_length=200, blank=True, help_text=_("Kode OPD, dipisah |.")
    )
    levels = models.CharField(
        _("jenjang"), max_length=200, blank=True, help_text=_("Jenjang yang dikenal, dipisah |.")
    )
    feeds = models.CharField(
        _("butir yang diisi"),
        max_length=300,
        blank=True,
        help_text=_("KODE_BUTIR:UKURAN[:JENJANG], dipisah |."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("jenis fasilitas")
        verbose_name_plural = _("jenis fasilitas")

    def __str__(self):
        return self.name

    @property
    def agency_codes(self) -> list[str]:
        return _codes(self.agencies)

    @property
    def level_names(self) -> list[str]:
        return _codes(self.levels)


class Standard(models.Model):
    """A standard a place can be certified to (shared/kla/standards.csv): SRA, PRAP, RBRA, ...

    A standard without a facility type is a designation of a kelurahan (Kelurahan Layak Anak).
    """

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=160)
    name_en = models.CharField(_("nama (Inggris)"), max_length=160, blank=True)
    facility_type = models.ForeignKey(
        FacilityType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standards",
        verbose_name=_("jenis fasilitas"),
    )
    certifier = models.CharField(_("pemberi sertifikat"), max_length=255, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("masa berlaku (bulan)"),
        null=True,
        blank=True,
        help_text=_("Kosong: tanggal akhir pada sertifikat (atau tanpa batas) yang menentukan."),
    )
    feeds = models.CharField(_("butir yang diisi"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("standar")
        verbose_name_plural = _("standar")

    def __str__(self):
        return self.code


class Facility(models.Model):
    """A place in the register, supplied by one agency; the same type, name and kelurahan is
    the same place."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("wilayah")
    )
    facility_type = models.ForeignKey(
        FacilityType,
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("jenis fasilitas"),
    )
    name = models.CharField(_("nama"), max_length=200)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("kelurahan")
    )
    level = models.CharField(_("jenjang"), max_length=40, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("OPD pemasok")
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    active = models.BooleanField(_("aktif"), default=True)
    closed_on = models.DateField(_("ditutup pada"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "facility_type", "name"]
        constraints = [
            models.UniqueConstraint(
                "facility_type", "kelurahan", Lower("name"), name="facility_unique_place"
            ),
        ]
        indexes = [models.Index(fields=["region", "facility_type"], name="facility_region_type")]
        verbose_name = _("fasilitas")
        verbose_name_plural = _("fasilitas")

    def __str__(self):
        return self.name


def certificate_path(instance, filename):
    """A random name, so an uploaded name never chooses where a file lands."""
    suffix = PurePosixPath(filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    return f"certificates/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Certification(models.Model):
    """A standard a place holds or is working towards, with its certificate.

    Its subject is a facility, or for a designation standard (no facility type) a kelurahan.
    """

    class Stage(models.TextChoices):
        PROPOSED = "proposed", _("Diusulkan")
        ASSESSMENT = "assessment", _("Dalam penilaian")
        GRANTED = "granted", _("Ditetapkan")
        EXPIRED = "expired", _("Kedaluwarsa")
        REVOKED = "revoked", _("Dicabut")

    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certifications",
        verbose_name=_("fasilitas"),
    )
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations",
        verbose_name=_("kelurahan (penetapan)"),
    )
    standard = models.ForeignKey(
        Standard, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("standar")
    )
    stage = models.CharField(
        _("tahap"), max_length=12, choices=Stage.choices, default=Stage.PROPOSED
    )
    certificate_number = models.CharField(_("nomor sertifikat"), max_length=120, blank=True)
    granted_on = models.DateField(_("ditetapkan pada"), null=True, blank=True)
    valid_until = models.DateField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Dari sertifikat; kosong: dihitung dari masa berlaku standar."),
    )
    file = models.FileField(
        _("berkas sertifikat"),
        upload_to=certificate_path,
        storage=evidence_storage,
        max_length=255,
        blank=True,
    )
    original_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    content_type = models.CharField(_("tipe isi"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard", "-granted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(facility__isnull=False, kelurahan__isnull=True)
                | Q(facility__isnull=True, kelurahan__isnull=False),
                name="certification_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["standard", "stage"], name="certification_standard")]
        verbose_name = _("sertifikasi")
        verbose_name_plural = _("sertifikasi")

    def __str__(self):
        return f"{self.standard} {self.facility or self.kelurahan}"


class RegisterImportConfirmation(models.Model):
    """A confirmed admin import preview of the register: stored once, so it works only once."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("konfirmasi impor register")
        verbose_name_plural = _("konfirmasi impor register")

    def __str__(self):
        return f"{self.region} {self.created_at:%Y-%m-%d %H:%M}"


class RegisterTake(models.Model):
    """An answer taken from the register: what it was computed from, to see when it drifts.

    The fingerprint covers every place, certificate and total behind the value on the period's
    reference date (`measures.Measured.fingerprint`); a different one now means the register
    changed after the value was taken, and the submission is shown as out of date.
    """

    submission = models.OneToOneField(
        "indicators.Submission",
        on_delete=models.CASCADE,
        related_name="register_take",
        verbose_name=_("isian"),
    )
    reference_date = models.DateField(_("tanggal acuan"))
    fingerprint = models.CharField(_("sidik register"), max_length=64)
    answer = models.JSONField(_("nilai yang diambil"), default=dict)
    places = models.PositiveIntegerField(_("jumlah tempat"), default=0)
    taken_at = models.DateTimeField(_("diambil pada"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("nilai dari register")
        verbose_name_plural = _("nilai dari register")

    def __str__(self):
        return f"{self.submission_id} {self.reference_date}"


class FieldVisitSite(models.Model):
    """A site (lokus) the ministry visits during field verification (VL): where, who answers
    for it, when, what must be ready, and where to go instead when it falls through."""

    period = models.ForeignKey(
        "indicators.Period",
        on_delete=models.CASCADE,
        related_name="visit_sites",
        verbose_name=_("periode"),
    )
    name = models.CharField(_("nama lokus"), max_length=200)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_sites",
        verbose_name=_("fasilitas di register"),
        help_text=_("Bila lokus ini tercatat di register fasilitas."),
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_sites",
        verbose_name=_("kelurahan"),
    )
    contact_name = models.CharField(_("penanggung jawab"), max_length=120)
    contact_phone = models.CharField(_("nomor telepon penanggung jawab"), max_length=30)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    backup_site = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="backing",
        verbose_name=_("lokus cadangan"),
    )
    backup_facility = models.ForeignKey(
        Facility,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="backing_sites",
        verbose_name=_("fasilitas cadangan"),
        help_text=_("Bila cadangannya bukan lokus lain, pilih tempat dari register."),
    )
    notes = models.TextField(_("catatan"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "starts_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="visit_site_slot_order"
            ),
            models.CheckConstraint(
                condition=~Q(backup_site=models.F("pk")), name="visit_site_backup_not_itself"
            ),
        ]
        verbose_name = _("lokus verifikasi lapangan")
        verbose_name_plural = _("lokus verifikasi lapangan")

    def __str__(self):
        return self.name

    @property
    def where(self) -> str:
        """The site's address, else its register place's."""
        if self.address:
            return self.address
        return self.facility.address if self.facility_id else ""

    @property
    def backup_name(self) -> str:
        if self.backup_site_id:
            return self.backup_site.name
        return self.backup_facility.name if self.backup_facility_id else ""


class FieldVisitCheck(models.Model):
    """One thing that must be ready at a site before the visit, and whether it is."""

    site = models.ForeignKey(
        FieldVisitSite, on_delete=models.CASCADE, related_name="checks", verbose_name=_("lokus")
    )
    label = models.CharField(_("yang harus siap"), max_length=200)
    done = models.BooleanField(_("sudah siap"), default=False)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "order", "pk"]
        verbose_name = _("daftar periksa lokus")
        verbose_name_plural = _("daftar periksa lokus")

    def __str__(self):
        return self.label

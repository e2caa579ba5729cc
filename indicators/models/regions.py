"""Where the work happens and who does it: regions, kecamatan, kelurahan, agencies, assignments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Item


class Region(models.Model):
    """A kabupaten or kota that runs its evaluation here (slug `balikpapan`)."""

    slug = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    province = models.CharField(_("provinsi"), max_length=120, blank=True)
    # Kemendagri's code (Permendagri 72/2019 and its updates), e.g. 64.71 for Kota Balikpapan.
    kemendagri_code = models.CharField(_("kode Kemendagri"), max_length=13, blank=True)
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
    kemendagri_code = models.CharField(_("kode Kemendagri"), max_length=13, blank=True)
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


class Kelurahan(models.Model):
    """A kelurahan or desa of a kecamatan, known by its Kemendagri code (64.71.01.1001)."""

    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan")
    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kecamatan__name", "name"]
        verbose_name = _("kelurahan/desa")
        verbose_name_plural = _("kelurahan/desa")

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


class ProvinceMembership(models.Model):
    """A province verifier's province: they read every region whose `province` is this one
    (administrative verification, VA), and write nothing of theirs."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="province_membership",
        verbose_name=_("pengguna"),
    )
    province = models.CharField(
        _("provinsi"),
        max_length=120,
        help_text=_("Sama persis dengan isian provinsi kabupaten/kota, mis. Kalimantan Timur."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["province", "user"]
        verbose_name = _("verifikator provinsi")
        verbose_name_plural = _("verifikator provinsi")

    def __str__(self):
        return f"{self.user} · {self.province}"

"""The KLA framework: editions of the instrument, their clusters, indicators and scored items."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters import scoring


class Named:
    """Anything with `name` and `name_en`: `label` is the name in the reader's language."""

    @property
    def label(self) -> str:
        """The English name when the reader chose English and one exists, else the Indonesian."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Framework(models.Model):
    """One edition of the evaluation instrument (e.g. "KLA 2026")."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    year = models.PositiveSmallIntegerField(_("tahun"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=255, blank=True)
    # Bumped by every write to the edition or its rows (services.framework_revise); scores
    # cached from the edition carry it in their key, so an edit makes them unreachable.
    revision = models.BigIntegerField(_("revisi"), default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("edisi instrumen")
        verbose_name_plural = _("edisi instrumen")

    def __str__(self):
        return self.name


class CategoryBand(models.Model):
    """A category (Pratama ... KLA) and the lowest total, at 2 decimals, that earns it."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(_("nama"), max_length=40)
    order = models.PositiveSmallIntegerField(_("urutan"))
    min_total = models.DecimalField(_("nilai minimal"), max_digits=7, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="band_unique_name"),
        ]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self):
        return f"{self.name} (≥ {self.min_total})"


class Cluster(Named, models.Model):
    """Kelembagaan (K) or one of Klaster I to V, with its point budget."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="clusters")
    code = models.CharField(_("kode"), max_length=10)
    order = models.PositiveSmallIntegerField(_("urutan"))
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    max_points = models.DecimalField(_("nilai maksimal"), max_digits=7, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="cluster_unique_code"),
        ]
        verbose_name = _("klaster")
        verbose_name_plural = _("klaster")

    def __str__(self):
        return self.name


class Indicator(Named, models.Model):
    """One of the 24 indicators, scored from its items."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("kode"), max_length=20)
    number = models.PositiveSmallIntegerField(_("nomor"))
    name = models.CharField(_("nama"), max_length=255)
    name_en = models.CharField(_("nama (Inggris)"), max_length=255, blank=True)
    definition = models.TextField(_("definisi"), blank=True)
    max_points = models.DecimalField(_("nilai maksimal"), max_digits=7, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster__framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "code"], name="indicator_unique_code"),
        ]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")

    def __str__(self):
        return f"{self.code} {self.name}"


class Item(Named, models.Model):
    """A scored item (butir) of an indicator: what an agency actually answers."""

    class Kind(models.TextChoices):
        CHECK = "check", _("ya/tidak")
        PERCENT = "percent", _("persentase (pembilang/penyebut)")
        COUNT = "count", _("jumlah")

    class Rule(models.TextChoices):
        CHECK = "check", _("ya/tidak")
        LINEAR = "linear", _("linear antara terburuk dan terbaik")
        BANDS = "bands", _("ambang bertingkat")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kode"), max_length=20)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    name = models.CharField(_("pertanyaan"), max_length=255)
    name_en = models.CharField(_("pertanyaan (Inggris)"), max_length=255, blank=True)
    definition = models.TextField(_("definisi"), blank=True)
    evidence_description = models.TextField(_("data dukung yang diminta"), blank=True)
    kind = models.CharField(_("jenis isian"), max_length=10, choices=Kind.choices)
    rule = models.CharField(_("aturan nilai"), max_length=10, choices=Rule.choices)
    worst = models.DecimalField(
        _("nilai terburuk"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    best = models.DecimalField(
        _("nilai terbaik"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    bands = models.CharField(
        _("ambang"), max_length=200, blank=True, help_text=_("mis. 1:0.4|3:0.7|6:1")
    )
    weight = models.DecimalField(
        _("bobot"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    evidence_required = models.BooleanField(_("data dukung wajib"), default=True)
    default_agencies = models.CharField(
        _("OPD pengampu"),
        max_length=255,
        blank=True,
        help_text=_("kode OPD yang biasanya mengisi, dipisah |"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__cluster__framework", "indicator__number", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="item_unique_code"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="item_weight_positive"),
        ]
        verbose_name = _("butir")
        verbose_name_plural = _("butir")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def agency_codes(self):
        return [code for code in self.default_agencies.split("|") if code]

    def spec(self) -> scoring.ItemSpec:
        """This item as plain values for the scoring core: the one place they are built."""
        return scoring.ItemSpec(
            code=self.code,
            indicator=self.indicator.code if self.indicator_id else "",
            kind=self.kind,
            rule=self.rule,
            weight=self.weight,
            worst=self.worst,
            best=self.best,
            bands=scoring.parse_bands(self.bands),
        )

    def clean(self):
        try:
            self.spec().check()
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class EvidenceRequirement(Named, models.Model):
    """A document (data dukung) an item asks for: how recent, and whether it must be in force."""

    class DocType(models.TextChoices):
        REGULATION = "regulasi", _("Regulasi (Perda/Perwali)")
        DECREE = "sk", _("Surat keputusan (SK)")
        MINUTES = "notulen", _("Notulen dan daftar hadir")
        REPORT = "laporan", _("Laporan")
        DATA = "data", _("Tabel data atau rekap sistem")
        PHOTO = "foto", _("Foto")
        CERTIFICATE = "sertifikat", _("Sertifikat")
        AGREEMENT = "mou", _("Perjanjian kerja sama (MoU/PKS)")
        BUDGET = "anggaran", _("Dokumen anggaran")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="evidence_requirements")
    code = models.SlugField(_("kode"), max_length=40)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    name = models.CharField(_("nama dokumen"), max_length=255)
    name_en = models.CharField(_("nama dokumen (Inggris)"), max_length=255, blank=True)
    doc_type = models.CharField(_("jenis dokumen"), max_length=12, choices=DocType.choices)
    required = models.BooleanField(_("wajib"), default=True)
    max_age_months = models.PositiveSmallIntegerField(
        _("umur maksimal (bulan)"),
        null=True,
        blank=True,
        help_text=_("Dokumen harus bertanggal paling lama sekian bulan sebelum tanggal acuan."),
    )
    must_be_in_force = models.BooleanField(
        _("harus masih berlaku"),
        default=False,
        help_text=_("Masa berlaku dokumen tidak boleh berakhir sebelum tanggal acuan."),
    )
    # Part of the ready forecast's cache key, so an edit here is never hidden by a snapshot.
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="requirement_unique_code"),
        ]
        verbose_name = _("dokumen yang diminta")
        verbose_name_plural = _("dokumen yang diminta")

    def __str__(self):
        return f"{self.code}: {self.name}"


class BandCondition(models.Model):
    """What a category needs beyond its points: an item at full value, or an indicator at
    least a share of its points. None ship with the instrument; DP3AKB's admin adds them."""

    class Kind(models.TextChoices):
        ITEM_FULL = scoring.ITEM_FULL, _("butir bernilai penuh")
        INDICATOR_SHARE = scoring.INDICATOR_SHARE, _("indikator minimal sekian persen nilainya")

    band = models.ForeignKey(CategoryBand, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(_("jenis syarat"), max_length=10, choices=Kind.choices)
    item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="band_conditions",
        verbose_name=_("butir"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="band_conditions",
        verbose_name=_("indikator"),
    )
    min_percent = models.DecimalField(
        _("minimal (persen dari nilai maksimal indikator)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["band", "pk"]
        verbose_name = _("syarat kategori")
        verbose_name_plural = _("syarat kategori")

    def __str__(self):
        return f"{self.band.name}: {self.spec().target}" if self.band_id else self.kind

    def spec(self) -> scoring.ConditionSpec:
        """This condition as plain values for the scoring core."""
        return scoring.ConditionSpec.of(
            self.kind,
            self.item.code if self.item_id else None,
            self.indicator.code if self.indicator_id else None,
            self.min_percent,
        )

    def clean(self):
        errors = {}
        framework_id = self.band.framework_id if self.band_id else None
        if self.kind == self.Kind.ITEM_FULL:
            if not self.item_id:
                errors["item"] = _("Pilih butir yang harus bernilai penuh.")
            elif self.item.indicator.cluster.framework_id != framework_id:
                errors["item"] = _("Butir ini bukan dari edisi instrumen kategori ini.")
            if self.indicator_id or self.min_percent is not None:
                errors["indicator"] = _(
                    "Syarat butir bernilai penuh tidak memakai indikator dan persen: kosongkan."
                )
        elif self.kind == self.Kind.INDICATOR_SHARE:
            if not self.indicator_id:
                errors["indicator"] = _("Pilih indikator yang harus mencapai persen minimal.")
            elif self.indicator.cluster.framework_id != framework_id:
                errors["indicator"] = _("Indikator ini bukan dari edisi instrumen kategori ini.")
            if self.min_percent is None or not 0 < self.min_percent <= 100:
                errors["min_percent"] = _(
                    "Persen minimal harus lebih dari 0 dan paling tinggi 100."
                )
            if self.item_id:
                errors["item"] = _("Syarat indikator tidak memakai butir: kosongkan.")
        if errors:
            raise ValidationError(errors)

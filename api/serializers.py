"""What the API reads and writes, described for the OpenAPI schema.

Read serializers expose metadata only: an evidence file's body goes out only through
`evidence/{id}/file/`, behind the same access check as the portal's download.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clusters.models import Cluster, EvidenceRequirement, Framework, Indicator, Item
from indicators.models import Evidence, OfficialResult, Period, Region, Submission
from indicators.services.importing import HEADER, IMPORT_STATUSES, MAX_ROWS

# ---- errors --------------------------------------------------------------------------------


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """Every error: problem details (RFC 9457) with the portal's row and field errors."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = ErrorItemSerializer(many=True)


# ---- the edition ---------------------------------------------------------------------------


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceRequirement
        fields = [
            "code",
            "name",
            "name_en",
            "doc_type",
            "required",
            "max_age_months",
            "must_be_in_force",
        ]


class ItemSerializer(serializers.ModelSerializer):
    requirements = RequirementSerializer(source="evidence_requirements", many=True)
    worst = serializers.DecimalField(
        max_digits=12, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    best = serializers.DecimalField(
        max_digits=12, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = Item
        fields = [
            "code",
            "name",
            "name_en",
            "definition",
            "evidence_description",
            "kind",
            "rule",
            "worst",
            "best",
            "bands",
            "weight",
            "evidence_required",
            "requirements",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True)
    max_points = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = Indicator
        fields = ["code", "number", "name", "name_en", "definition", "max_points", "items"]


class ClusterSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True)
    max_points = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = Cluster
        fields = ["code", "order", "name", "name_en", "max_points", "indicators"]


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["code", "name", "year", "legal_basis"]


class FrameworkDetailSerializer(FrameworkSerializer):
    clusters = ClusterSerializer(many=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "clusters"]


# ---- regions and periods -------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["slug", "name", "province"]


class OfficialResultSerializer(serializers.ModelSerializer):
    self_assessment = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    administrative_verification = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    final_score = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = OfficialResult
        fields = [
            "self_assessment",
            "administrative_verification",
            "final_score",
            "category",
            "decree",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reference_date = serializers.DateField(source="reference_on")
    open_for_entry = serializers.SerializerMethodField()
    published = serializers.SerializerMethodField()

    class Meta:
        model = Period
        fields = [
            "id",
            "region",
            "year",
            "framework",
            "opens_on",
            "closes_on",
            "locked",
            "reference_date",
            "open_for_entry",
            "published",
        ]

    def get_open_for_entry(self, period) -> bool:
        return period.is_open_for_entry()

    def get_published(self, period) -> bool:
        return hasattr(period, "open_data")


# ---- submissions and evidence --------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    requirement = serializers.SlugRelatedField(slug_field="code", read_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "title",
            "kind",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "requirement",
            "document_number",
            "document_date",
            "valid_until",
            "file_url",
        ]

    def get_file_url(self, evidence) -> str:
        return reverse("api:evidence-file", args=[evidence.pk])


class SubmissionSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.PrimaryKeyRelatedField(read_only=True)
    numerator = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    denominator = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    evidence = EvidenceSerializer(many=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "period",
            "agency",
            "item",
            "status",
            "version",
            "answer_yes",
            "numerator",
            "denominator",
            "count",
            "narrative",
            "approved_with_gaps",
            "submitted_at",
            "updated_at",
            "evidence",
        ]


class SubmissionFilterSerializer(serializers.Serializer):
    period = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    agency = serializers.CharField(required=False, max_length=30)
    item = serializers.CharField(required=False, max_length=20)
    status = serializers.ChoiceField(required=False, choices=Submission.Status.choices)


class PeriodFilterSerializer(serializers.Serializer):
    region = serializers.SlugField(required=False, max_length=60)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999)


# ---- scores and readiness ------------------------------------------------------------------


class ScoreQuerySerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=["verified", "self", "ready"], default="verified")
    agency = serializers.CharField(required=False, max_length=30, allow_blank=True)


class PointsSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(required=False)
    points = serializers.FloatField()
    max_points = serializers.FloatField()


class ItemScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    fraction = serializers.FloatField()


class ScoreSerializer(serializers.Serializer):
    """The `kla_score` document, with whose answers it counts and the ministry's result."""

    region = serializers.CharField()
    period = serializers.IntegerField()
    basis = serializers.CharField()
    agencies = serializers.ListField(child=serializers.CharField(), allow_null=True)
    total = serializers.FloatField()
    category = serializers.CharField(allow_null=True)
    next_category = serializers.CharField(allow_null=True)
    points_to_next = serializers.FloatField(allow_null=True)
    clusters = PointsSerializer(many=True)
    indicators = PointsSerializer(many=True)
    items = ItemScoreSerializer(many=True)
    official = OfficialResultSerializer(allow_null=True)


class ReadinessItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    agency = serializers.CharField()
    status = serializers.CharField()
    ready = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    too_old = serializers.ListField(child=serializers.CharField())
    expired = serializers.ListField(child=serializers.CharField())
    flags = serializers.ListField(child=serializers.CharField())


class ReadinessSummarySerializer(serializers.Serializer):
    ready = serializers.IntegerField()
    not_ready = serializers.IntegerField()
    points_at_risk = serializers.FloatField()


class ReadinessSerializer(serializers.Serializer):
    """The `kla_readiness` document."""

    region = serializers.CharField()
    period = serializers.IntegerField()
    reference_date = serializers.DateField()
    items = ReadinessItemSerializer(many=True)
    summary = ReadinessSummarySerializer()


# ---- writes --------------------------------------------------------------------------------


class Cell(serializers.Field):
    """A cell of a value row: text (read by `indicators.answers`), a number, or empty."""

    default_error_messages = {"invalid": _("Isi sel harus teks, angka, benar/salah atau kosong.")}

    def to_internal_value(self, data):
        if data is None or isinstance(data, (str, int, float, bool)):
            if isinstance(data, str) and len(data) > 10_000:
                raise serializers.ValidationError(_("Isi sel terlalu panjang."))
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "maxLength": 10000}, {"type": "number"}, {"type": "boolean"}],
        "nullable": True,
    }
)
class CellField(Cell):
    pass


class ValueRowSerializer(serializers.Serializer):
    """One row, with the columns of an import file (`import_values`)."""

    agency = CellField(required=False, help_text=_("kode OPD; kosong: `agency` permintaan"))
    item = CellField(help_text=_("kode butir, mis. III.12.a"))
    numerator = CellField(required=False, help_text=_("pembilang (butir persentase)"))
    denominator = CellField(required=False, help_text=_("penyebut (butir persentase)"))
    value = CellField(required=False, help_text=_("ya/tidak atau jumlah"))
    note = CellField(required=False, help_text=_("keterangan"))

    def to_internal_value(self, data):
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(HEADER))):
            # A misspelt column must not be dropped silently, as the file import refuses it.
            raise serializers.ValidationError(
                {str(key)[:60]: [_("Kolom tidak dikenal.")] for key in unknown}
            )
        return super().to_internal_value(data)


class ValuesPushSerializer(serializers.Serializer):
    agency = serializers.CharField(required=False, allow_blank=True, max_length=30)
    status = serializers.ChoiceField(choices=IMPORT_STATUSES, default="submitted")
    dry_run = serializers.BooleanField(default=False)
    replace_approved = serializers.BooleanField(default=False)
    rows = ValueRowSerializer(many=True, allow_empty=False, max_length=MAX_ROWS)

    def validate_rows(self, rows):
        return [{k: v for k, v in row.items() if k in HEADER} for row in rows]


class PlanRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    agency = serializers.CharField()
    item = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["new", "changed", "unchanged"])
    status = serializers.CharField()
    submission = serializers.IntegerField(allow_null=True)


class PushResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    period = serializers.IntegerField()
    status = serializers.CharField()
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    approved_changed = serializers.IntegerField()
    held = serializers.IntegerField()
    lacking_evidence = serializers.IntegerField()
    verified_before = serializers.FloatField()
    verified_after = serializers.FloatField()
    rows = PlanRowSerializer(many=True)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, max_length=255)
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    requirement = serializers.CharField(required=False, allow_blank=True, max_length=40)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=120)
    document_date = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class OpenDataStateSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    region = serializers.CharField()
    year = serializers.IntegerField()
    published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    json_url = serializers.CharField()
    csv_url = serializers.CharField()

"""Exports of submissions (django-import-export) and the recap for the national application.

Every exported cell passes through `neutralise`, so a value typed by an operator can never run
as a spreadsheet formula on a verifier's machine; the importers undo it with `unneutralise`, so
an unedited values export imports as no change.
"""

from __future__ import annotations

import tablib
from django.db.models import Count, Q
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX

from clusters.models import Indicator, Item
from indicators.exports.cells import neutralise
from indicators.models import Period, Submission
from indicators.selectors.scores import SELF, VERIFIED, period_score
from indicators.services.importing import HEADER

FORMATS = {"xlsx": XLSX, "csv": CSV}


class NeutralisedResource(resources.ModelResource):
    """A resource whose every exported cell is neutralised."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


def _value(submission: Submission):
    if submission.item.kind == Item.Kind.CHECK:
        return {True: "ya", False: "tidak"}.get(submission.answer_yes, "")
    if submission.item.kind == Item.Kind.COUNT:
        return submission.count
    return ""


class SubmissionResource(NeutralisedResource):
    """The review columns of the filtered changelist."""

    region = fields.Field("period__region__slug", column_name="region")
    year = fields.Field("period__year", column_name="period")
    agency = fields.Field("agency__code", column_name="agency")
    cluster = fields.Field("item__indicator__cluster__code", column_name="cluster")
    indicator = fields.Field("item__indicator__code", column_name="indicator")
    item = fields.Field("item__code", column_name="item")
    answer = fields.Field(column_name="answer")
    note = fields.Field("narrative", column_name="note")
    evidence = fields.Field(column_name="evidence")

    class Meta:
        model = Submission
        fields = (
            "region",
            "year",
            "agency",
            "cluster",
            "indicator",
            "item",
            "answer",
            "numerator",
            "denominator",
            "count",
            "note",
            "status",
            "evidence",
            "version",
            "updated_at",
        )
        export_order = fields

    def dehydrate_answer(self, submission):
        return submission.answer_display()

    def dehydrate_evidence(self, submission):
        return getattr(submission, "evidence_count", None)

    def dehydrate_status(self, submission):
        return submission.status


class SubmissionValuesResource(NeutralisedResource):
    """The import header (agency,item,numerator,denominator,value,note): edit and re-import."""

    agency = fields.Field("agency__code", column_name="agency")
    item = fields.Field("item__code", column_name="item")
    value = fields.Field(column_name="value")
    note = fields.Field("narrative", column_name="note")

    class Meta:
        model = Submission
        fields = HEADER
        export_order = HEADER

    def dehydrate_value(self, submission):
        return _value(submission)


RECAP_HEADER = (
    "level",
    "code",
    "name",
    "verified_points",
    "self_points",
    "max_points",
    "draft",
    "submitted",
    "returned",
    "approved",
)


def recap_dataset(period: Period) -> tablib.Dataset:
    """Per cluster and indicator: verified and self points, the maximum and status counts."""
    verified, self_assessed = period_score(period, VERIFIED), period_score(period, SELF)
    own = {i.code: i.points for i in self_assessed.indicators}
    own_clusters = {c.code: c.points for c in self_assessed.clusters}
    names = dict(
        Indicator.objects.filter(cluster__framework=period.framework).values_list("code", "name")
    )
    statuses = [s.value for s in Submission.Status]
    counts = {
        row["item__indicator__code"]: row
        for row in Submission.objects.filter(period=period)
        .values("item__indicator__code", "item__indicator__cluster__code")
        .annotate(**{s: Count("pk", filter=Q(status=s)) for s in statuses})
        .order_by()
    }
    cluster_of = dict(
        Indicator.objects.filter(cluster__framework=period.framework).values_list(
            "code", "cluster__code"
        )
    )
    data = tablib.Dataset(headers=RECAP_HEADER, title=f"Rekap {period.year}"[:31])
    for cluster in verified.clusters:
        members = [i for i in verified.indicators if cluster_of.get(i.code) == cluster.code]
        totals = [sum(counts.get(i.code, {}).get(s, 0) for i in members) for s in statuses]
        data.append(
            [
                "cluster",
                cluster.code,
                cluster.name,
                cluster.points,
                own_clusters[cluster.code],
                cluster.max_points,
                *totals,
            ]
        )
        for indicator in members:
            row = counts.get(indicator.code, {})
            data.append(
                [
                    "indicator",
                    indicator.code,
                    names.get(indicator.code, ""),
                    indicator.points,
                    own[indicator.code],
                    indicator.max_points,
                    *(row.get(s, 0) for s in statuses),
                ]
            )
    data.append(
        ["total", "", verified.category.name or "", verified.total, self_assessed.total]
        + [sum(c.max_points for c in verified.clusters)]
        + [""] * len(statuses)
    )
    return neutralise_dataset(data)


def neutralise_dataset(data: tablib.Dataset) -> tablib.Dataset:
    """A copy of a dataset with every cell neutralised (for exports built by hand)."""
    clean = tablib.Dataset(headers=data.headers, title=data.title)
    for row in data:
        clean.append([neutralise(cell) for cell in row])
    return clean


def dataset_file(data: tablib.Dataset, fmt: str) -> tuple[bytes | str, str, str]:
    """A dataset rendered as (content, content type, extension) in `xlsx` or `csv`."""
    file_format = FORMATS[fmt]()
    return file_format.export_data(data), file_format.get_content_type(), fmt

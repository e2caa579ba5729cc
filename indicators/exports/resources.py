"""Exports of submissions (django-import-export) and the recap for the national application.

Every exported cell passes through `neutralise`, so a value typed by an operator can never run
as a spreadsheet formula on a verifier's machine; the importers undo it with `unneutralise`, so
an unedited values export imports as no change.
"""

from __future__ import annotations

import tablib
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX

from clusters.models import Indicator, Item
from indicators.exports.cells import neutralise
from indicators.exports.workbook import DECIMAL_FORMAT, POINTS_FORMAT, dataset_xlsx
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
    """The review columns of the filtered changelist, in Indonesian, with names and words."""

    region = fields.Field("period__region__name", column_name=gettext_lazy("Wilayah"))
    year = fields.Field(
        "period__year", column_name=gettext_lazy("Periode"), widget=widgets.IntegerWidget()
    )
    agency = fields.Field("agency__code", column_name=gettext_lazy("Kode OPD"))
    agency_name = fields.Field("agency__name", column_name=gettext_lazy("OPD"))
    cluster = fields.Field("item__indicator__cluster__code", column_name=gettext_lazy("Klaster"))
    indicator = fields.Field("item__indicator__code", column_name=gettext_lazy("Indikator"))
    item = fields.Field("item__code", column_name=gettext_lazy("Kode butir"))
    item_name = fields.Field(column_name=gettext_lazy("Butir"))
    answer = fields.Field(column_name=gettext_lazy("Jawaban"))
    numerator = fields.Field(
        "numerator", column_name=gettext_lazy("Pembilang"), widget=widgets.DecimalWidget()
    )
    denominator = fields.Field(
        "denominator", column_name=gettext_lazy("Penyebut"), widget=widgets.DecimalWidget()
    )
    percentage = fields.Field(
        column_name=gettext_lazy("Persentase"), widget=widgets.DecimalWidget()
    )
    count = fields.Field(
        "count", column_name=gettext_lazy("Jumlah"), widget=widgets.IntegerWidget()
    )
    note = fields.Field("narrative", column_name=gettext_lazy("Keterangan"))
    status = fields.Field(column_name=gettext_lazy("Status"))
    evidence = fields.Field(
        column_name=gettext_lazy("Berkas data dukung"), widget=widgets.IntegerWidget()
    )
    version = fields.Field(
        "version", column_name=gettext_lazy("Versi"), widget=widgets.IntegerWidget()
    )
    updated_at = fields.Field(
        "updated_at", column_name=gettext_lazy("Diubah (WITA)"), widget=widgets.DateTimeWidget()
    )

    class Meta:
        model = Submission
        fields = (
            "region",
            "year",
            "agency",
            "agency_name",
            "cluster",
            "indicator",
            "item",
            "item_name",
            "answer",
            "numerator",
            "denominator",
            "percentage",
            "count",
            "note",
            "status",
            "evidence",
            "version",
            "updated_at",
        )
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return _("Isian untuk ditinjau (semua kolom, nama dan status)")

    def dehydrate_item_name(self, submission):
        return submission.item.label

    def dehydrate_answer(self, submission):
        return submission.answer_display()

    def dehydrate_percentage(self, submission):
        return submission.percentage

    def dehydrate_evidence(self, submission):
        return getattr(submission, "evidence_count", None)

    def dehydrate_status(self, submission):
        return submission.get_status_display()


# The review export's number columns and their spreadsheet formats (by header, translated).
def review_formats() -> dict[str, str]:
    return {
        str(_("Pembilang")): DECIMAL_FORMAT,
        str(_("Penyebut")): DECIMAL_FORMAT,
        str(_("Persentase")): POINTS_FORMAT,
        str(_("Periode")): "0",
    }


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

    @classmethod
    def get_display_name(cls):
        return _("Nilai untuk diubah lalu diimpor ulang (judul kolom sesuai format impor)")

    def dehydrate_value(self, submission):
        return _value(submission)


def recap_header() -> list[str]:
    """The recap's columns in the reader's language."""
    return [
        str(h)
        for h in (
            _("Tingkat"),
            _("Kode"),
            _("Nama"),
            _("Poin terverifikasi"),
            _("Poin mandiri"),
            _("Poin maksimal"),
            *(label for _value, label in Submission.Status.choices),
        )
    ]


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
    data = tablib.Dataset(headers=recap_header(), title=f"{_('Rekap')} {period.year}"[:31])
    for cluster in verified.clusters:
        members = [i for i in verified.indicators if cluster_of.get(i.code) == cluster.code]
        totals = [sum(counts.get(i.code, {}).get(s, 0) for i in members) for s in statuses]
        data.append(
            [
                str(_("klaster")),
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
                    str(_("indikator")),
                    indicator.code,
                    names.get(indicator.code, ""),
                    indicator.points,
                    own[indicator.code],
                    indicator.max_points,
                    *(row.get(s, 0) for s in statuses),
                ]
            )
    data.append(
        [str(_("total")), "", verified.category.name or "", verified.total, self_assessed.total]
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


def dataset_file(data: tablib.Dataset, fmt: str, formats=None) -> tuple[bytes | str, str, str]:
    """A dataset rendered as (content, content type, extension) in `xlsx` or `csv`.

    XLSX is written by `workbook` (formats, widths, a named sheet); CSV by tablib.
    """
    file_format = FORMATS[fmt]()
    if fmt == "xlsx":
        return dataset_xlsx(data, formats), file_format.get_content_type(), fmt
    return file_format.export_data(data), file_format.get_content_type(), fmt

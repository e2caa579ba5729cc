"""Admin pages of the year's data (the review workflow on submissions builds on these)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import (
    Agency,
    Assignment,
    Evidence,
    Kecamatan,
    OfficialResult,
    Period,
    Region,
    ReviewEvent,
    Submission,
)


class KecamatanInline(admin.TabularInline):
    model = Kecamatan
    extra = 0


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "province"]
    search_fields = ["name", "slug"]
    inlines = [KecamatanInline]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]
    list_select_related = ["region"]


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["region", "year", "framework", "opens_on", "closes_on", "locked"]
    list_filter = ["year", "locked"]
    list_select_related = ["region", "framework"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "item"]
    list_filter = ["agency__region", "agency"]
    search_fields = ["item__code", "agency__code"]
    list_select_related = ["agency", "item"]
    autocomplete_fields = ["item"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["title", "original_name", "kind", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "item", "period", "status", "updated_at"]
    list_filter = ["status", "period__year"]
    search_fields = ["item__code", "agency__code"]
    list_select_related = ["agency", "item", "period__region"]
    readonly_fields = ["version", "created_at", "updated_at", "submitted_at", "updated_by"]
    inlines = [EvidenceInline]


@admin.register(ReviewEvent)
class ReviewEventAdmin(SimpleHistoryAdmin):
    list_display = ["submission", "action", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["submission__agency", "submission__item", "submission__period", "actor"]


@admin.register(OfficialResult)
class OfficialResultAdmin(SimpleHistoryAdmin):
    list_display = [
        "period",
        "self_assessment",
        "administrative_verification",
        "final_score",
        "category",
    ]
    list_select_related = ["period__region"]

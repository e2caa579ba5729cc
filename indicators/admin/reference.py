"""Admins of regions, agencies, periods, assignments, evidence, review events, official results."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators import roles
from indicators.admin.scoping import RegionScopedAdmin, agency_filter, region_filter
from indicators.answers import format_size
from indicators.models import (
    Agency,
    Assignment,
    Evidence,
    Kecamatan,
    OfficialResult,
    Period,
    ProvinceMembership,
    Region,
    ReviewEvent,
)
from kla_portal.history_admin import ReadOnlyHistoryAdmin


def evidence_download_url(evidence):
    """The one permission-checked download view, shared with the OPD workspace."""
    return reverse("indicators:evidence-download", args=[evidence.pk])


@admin.register(Evidence)
class EvidenceAdmin(RegionScopedAdmin):
    region_path = "submission__period__region"
    list_display = ["__str__", "submission", "kind", "content_type", "size_shown", "uploaded_at"]
    list_filter = ["kind", region_filter("submission__period__region")]
    list_select_related = ["submission__agency", "submission__item", "submission__period"]
    search_fields = ["submission__item__code", "submission__agency__code", "title"]
    readonly_fields = [
        "submission",
        "download",
        "title",
        "original_name",
        "kind",
        "content_type",
        "size_shown",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        # What the file claims to be: changed by the operator through services.documents only.
        "requirement",
        "document_number",
        "document_date",
        "valid_until",
    ]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("ukuran"), ordering="size")
    def size_shown(self, obj):
        return format_size(obj.size)

    @admin.display(description=_("berkas"))
    def download(self, obj):
        return format_html('<a href="{}" download>{}</a>', evidence_download_url(obj), _("Unduh"))


@admin.register(ReviewEvent)
class ReviewEventAdmin(RegionScopedAdmin):
    region_path = "submission__period__region"
    list_display = ["submission", "action", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["action", region_filter("submission__period__region")]
    list_select_related = [
        "submission__agency",
        "submission__item",
        "submission__period__region",
        "actor",
    ]
    search_fields = ["submission__item__code", "submission__agency__code"]

    def has_add_permission(self, request):
        return False


class KecamatanInline(admin.TabularInline):
    model = Kecamatan
    extra = 0


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin):
    region_path = "pk"
    list_display = ["name", "slug", "province"]
    search_fields = ["name", "slug"]
    inlines = [KecamatanInline]


@admin.register(Agency)
class AgencyAdmin(RegionScopedAdmin):
    region_path = "region"
    list_display = ["code", "name", "region"]
    list_filter = [region_filter("region")]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]
    list_select_related = ["region"]


@admin.register(Period)
class PeriodAdmin(RegionScopedAdmin):
    region_path = "region"
    list_display = ["region", "year", "framework", "opens_on", "closes_on", "locked"]
    list_filter = ["year", "locked", region_filter("region")]
    list_select_related = ["region", "framework"]


@admin.register(Assignment)
class AssignmentAdmin(RegionScopedAdmin):
    region_path = "agency__region"
    list_display = ["agency", "item"]
    list_filter = [region_filter("agency__region"), agency_filter("agency")]
    search_fields = ["item__code", "agency__code"]
    list_select_related = ["agency", "item"]
    autocomplete_fields = ["item"]


class OfficialResultForm(forms.ModelForm):
    """The ministry's scores for a period, as DP3AKB copies them from the decree."""

    class Meta:
        model = OfficialResult
        fields = [
            "period",
            "self_assessment",
            "administrative_verification",
            "field_verification",
            "final_score",
            "category",
            "decree",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        for name in (
            "self_assessment",
            "administrative_verification",
            "field_verification",
            "final_score",
        ):
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= 1000:
                self.add_error(name, _("Nilai harus antara 0 dan 1000."))
        return cleaned


@admin.register(OfficialResult)
class OfficialResultAdmin(RegionScopedAdmin):
    region_path = "period__region"
    form = OfficialResultForm
    list_display = [
        "period",
        "self_assessment",
        "administrative_verification",
        "field_verification",
        "final_score",
        "category",
    ]
    list_select_related = ["period__region"]


class ProvinceMembershipForm(forms.ModelForm):
    """The province is chosen from those the regions name: typed by hand, "Kalimantan timur"
    would bind the verifier to a province with no region, and they would read nothing."""

    province = forms.ChoiceField(label=_("provinsi"))

    class Meta:
        model = ProvinceMembership
        fields = ["user", "province"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = (
            Region.objects.exclude(province="")
            .order_by("province")
            .values_list("province", flat=True)
            .distinct()
        )
        self.fields["province"].choices = [("", "—"), *((p, p) for p in provinces)]


@admin.register(ProvinceMembership)
class ProvinceMembershipAdmin(ReadOnlyHistoryAdmin):
    """Superusers bind a province verifier to a province; the user joins the province
    verifiers' group with it, so the role is never half given."""

    form = ProvinceMembershipForm
    list_display = ["user", "province"]
    search_fields = ["user__username", "province"]
    list_select_related = ["user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.user.groups.add(roles.roles_ensure_groups()[roles.PROVINCE_VERIFIER])

"""DP3AKB's admin of the field-visit sites (lokus) of its region, with their checklists.

The rules are `facilities.visits.site_problems` (shown beside the fields) and the save is
`visits.site_save`, version-checked against the page the verifier saw.
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from facilities import visits
from facilities.admin import SeenVersionForm, ServiceSavedAdmin
from facilities.models import Facility, FieldVisitCheck, FieldVisitSite
from indicators.admin.scoping import RegionScopedAdmin, YearFilter, region_filter, scoped_regions
from indicators.models import Kelurahan


class FieldVisitSiteForm(SeenVersionForm):
    class Meta:
        model = FieldVisitSite
        fields = ["period", *visits.SITE_FIELDS]

    def clean(self):
        data = super().clean()
        problems = visits.site_problems(
            period=_period(self, data), values=data, exclude_pk=self.instance.pk
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data


def _period(form, data):
    """The site's period: chosen when it is added, fixed once it exists (read only)."""
    return data.get("period") or (form.instance.period if form.instance.pk else None)


class FieldVisitCheckInline(admin.TabularInline):
    model = FieldVisitCheck
    extra = 3
    fields = ["order", "label", "done"]


@admin.register(FieldVisitSite)
class FieldVisitSiteAdmin(ServiceSavedAdmin):
    region_path = "period__region"
    form = FieldVisitSiteForm
    list_display = ["name", "period", "starts_at", "ends_at", "contact_name", "checklist"]
    list_filter = [region_filter("period__region"), YearFilter]
    list_select_related = ["period__region"]
    search_fields = ["name", "address", "contact_name"]
    readonly_fields = ["plan_link", "version", "updated_at", "updated_by"]
    inlines = [FieldVisitCheckInline]

    def has_delete_permission(self, request, obj=None):
        # A site is a plan, not a record of evidence: the region's verifiers may drop one.
        return RegionScopedAdmin.has_delete_permission(self, request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("checks")

    def get_readonly_fields(self, request, obj=None):
        # A site belongs to its year's plan; moving it would only be refused at the save.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "period"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            regions = scoped_regions(request)
            if db_field.related_model is Facility:
                # Open places, and those a site already names (a place closed since stays).
                kwargs["queryset"] = (
                    Facility.objects.filter(region__in=regions)
                    .filter(
                        Q(active=True)
                        | Q(visit_sites__isnull=False)
                        | Q(backing_sites__isnull=False)
                    )
                    .distinct()
                )
            elif db_field.related_model is Kelurahan:
                kwargs["queryset"] = Kelurahan.objects.filter(
                    kecamatan__region__in=regions
                ).select_related("kecamatan")
            elif db_field.related_model is FieldVisitSite:
                # Named with their year: only a site of the same period may be the backup.
                kwargs["queryset"] = FieldVisitSite.objects.filter(
                    period__region__in=regions
                ).select_related("period")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.related_model is FieldVisitSite and field is not None:
            field.label_from_instance = lambda site: f"{site.name} · {site.period.year}"
        return field

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = visits.site_save(
            period=_period(form, data),
            values={name: data.get(name) for name in visits.SITE_FIELDS},
            actor=request.user,
            site=obj if change else None,
            version=data.get("seen_version") if change else None,
        )
        obj.pk, obj.version = saved.pk, saved.version

    @admin.display(description=_("daftar periksa"))
    def checklist(self, obj):
        checks = list(obj.checks.all())
        return f"{sum(c.done for c in checks)}/{len(checks)}"

    @admin.display(description=_("rencana cetak"))
    def plan_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("facilities:visit-plan")
        query = f"?region={obj.period.region.slug}&period={obj.period.year}"
        return format_html('<a href="{}{}">{}</a>', url, query, gettext("Buka rencana lokus"))

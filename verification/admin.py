"""DP3AKB's admin of the ministry's stages and the findings: record, then close or reopen.

Scoped like every admin here (`RegionScopedAdmin`); who may record, close and reopen is
`verification.access.can_record_findings`, asked by the services.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from indicators import roles
from indicators.admin.scoping import RegionScopedAdmin, region_filter
from indicators.models import Agency
from verification.access import recording_regions
from verification.models import Finding, ForecastSnapshot, Stage, StageKind
from verification.selectors.findings import OVERDUE, responses_of
from verification.services import findings as finding_services
from verification.services.stages import stage_recorded

F = Finding.Status


@admin.register(Stage)
class StageAdmin(RegionScopedAdmin):
    """The dates and outcomes of the ministry's stages; their scores are the official result's."""

    region_path = "period__region"
    list_display = ["period", "kind", "held_on", "ends_on"]
    list_filter = [region_filter("period__region"), "kind"]
    list_select_related = ["period__region"]
    fields = ["period", "kind", "held_on", "ends_on", "outcome"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The self-assessment's day freezes the portal's forecast (services/stages.py).
        stage_recorded(obj)


@admin.register(ForecastSnapshot)
class ForecastSnapshotAdmin(RegionScopedAdmin):
    """The forecast frozen at self-assessment: read only, nobody rewrites what was projected."""

    region_path = "period__region"
    list_display = ["period", "as_of", "self_total", "verified_total", "ready_total", "taken_at"]
    list_select_related = ["period__region"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*F.choices[:2], (OVERDUE, _("Lewat tenggat")), F.choices[2]]

    def queryset(self, request, queryset):
        value = self.value()
        if value == OVERDUE:
            return queryset.filter(status=F.OPEN, due_at__lt=timezone.now())
        if value in F.values:
            return queryset.filter(status=value)
        return queryset


class FindingForm(forms.ModelForm):
    """A new finding: its target, text, agencies and (optionally) its due time."""

    class Meta:
        model = Finding
        fields = ["period", "stage", "item", "indicator", "text", "agencies", "due_at"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "due_at" in self.fields:
            self.fields["due_at"].required = False
            self.fields["due_at"].help_text = _(
                "Kosong: %(vl)s jam untuk verifikasi lapangan, %(other)s jam untuk tahap lain."
            ) % {
                "vl": settings.FINDING_DUE_HOURS.get("vl", settings.FINDING_DUE_HOURS_DEFAULT),
                "other": settings.FINDING_DUE_HOURS_DEFAULT,
            }

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if period is not None:
            for problem in finding_services.finding_problems(
                period=period,
                item=cleaned.get("item"),
                indicator=cleaned.get("indicator"),
                agencies=list(cleaned.get("agencies") or []),
            ):
                self.add_error(None, problem)
        return cleaned


@admin.register(Finding)
class FindingAdmin(RegionScopedAdmin):
    """Findings of the user's regions: recorded here, answered by the agencies in the portal,
    closed or reopened from their page here (the buttons under the record)."""

    region_path = "period__region"
    form = FindingForm
    change_form_template = "admin/verification/finding/change_form.html"
    list_display = ["target", "stage", "status_label", "due_at", "agency_codes", "period"]
    list_filter = [StatusFilter, "stage", region_filter("period__region")]
    search_fields = ["text", "item__code", "indicator__code", "agencies__code"]
    list_select_related = ["period__region", "item", "indicator"]
    autocomplete_fields = ["item", "indicator"]
    filter_horizontal = ["agencies"]
    date_hierarchy = None

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agencies")

    @admin.display(description=_("butir/indikator"))
    def target(self, obj):
        return obj.target_code

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.is_overdue():
            return _("Lewat tenggat")
        return obj.get_status_display()

    @admin.display(description=_("OPD"))
    def agency_codes(self, obj):
        return ", ".join(sorted(a.code for a in obj.agencies.all()))

    def writable_regions(self, request):
        # A province verifier records the findings of its whole province (VA).
        return recording_regions(request.user)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # A province verifier records its own stage only (`can_record_findings`).
        if db_field.name == "stage" and roles.user_province(request.user):
            kwargs["choices"] = [(StageKind.VA.value, StageKind.VA.label)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "agencies" and not request.user.is_superuser:
            kwargs["queryset"] = Agency.objects.filter(region__in=self.writable_regions(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Once recorded, a finding changes only through its actions (versioned): close, reopen.
        if obj is not None:
            return [*FindingForm.Meta.fields, "status", "version", "created_by", "closed_at"]
        return []

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing is editable here once recorded (see get_readonly_fields)
        data = form.cleaned_data
        try:
            created = finding_services.finding_create(
                period=data["period"],
                stage=data["stage"],
                item=data.get("item"),
                indicator=data.get("indicator"),
                text=data["text"],
                agencies=list(data["agencies"]),
                due_at=data.get("due_at"),
                actor=request.user,
            )
        except finding_services.FindingError as exc:
            raise PermissionDenied(str(exc)) from None
        obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # the service set the agencies

    def change_view(self, request, object_id, form_url="", extra_context=None):
        finding = self.get_object(request, object_id)
        extra = extra_context or {}
        if finding is not None:
            extra |= {
                "finding": finding,
                "responses": responses_of(finding),
                "events": list(finding.events.select_related("actor")),
                "can_decide": finding_services.decide_refusal(finding, request.user) is None,
                "overdue": finding.is_overdue(),
            }
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/decide/", decide, name="verification_finding_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        return _decide(request, self, pk)


@require_POST
def _decide(request, model_admin, pk):
    """Close or reopen a finding with the version the page showed; refusals as messages."""
    finding = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    back = reverse("admin:verification_finding_change", args=[finding.pk])
    action = request.POST.get("action")
    options = {
        "finding": finding,
        "actor": request.user,
        "version": _int(request.POST.get("version")),
        "note": request.POST.get("note", ""),
    }
    try:
        if action == "close":
            finding_services.finding_close(**options)
            messages.success(request, _("Catatan ditutup."))
        elif action == "reopen":
            finding_services.finding_reopen(**options)
            messages.success(request, _("Catatan dibuka kembali; OPD diberi tahu lewat email."))
        else:
            messages.error(request, _("Pilih tutup atau buka kembali."))
    except finding_services.FindingError as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(back)


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None

"""Admin pages to edit the framework and copy an edition forward."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clusters.forms import FrameworkCopyForm
from clusters.models import CategoryBand, Cluster, EvidenceRequirement, Framework, Indicator, Item
from clusters.services import framework_copy
from kla_portal.history_admin import ReadOnlyHistoryAdmin


class CategoryBandInline(admin.TabularInline):
    model = CategoryBand
    extra = 0


class ClusterInline(admin.TabularInline):
    model = Cluster
    extra = 0
    fields = ["code", "order", "name", "max_points"]


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "code", "year"]
    inlines = [CategoryBandInline, ClusterInline]
    change_form_template = "admin/clusters/framework/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:pk>/copy/",
                self.admin_site.admin_view(self.copy_view),
                name="clusters_framework_copy",
            ),
            *super().get_urls(),
        ]

    def copy_view(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        source = get_object_or_404(Framework, pk=pk)
        form = FrameworkCopyForm(
            request.POST or None,
            initial={"year": source.year + 1, "name": f"KLA {source.year + 1}"},
        )
        if request.method == "POST" and form.is_valid():
            target = framework_copy(source=source, **form.cleaned_data)
            messages.success(request, _("Edisi %(name)s dibuat.") % {"name": target.name})
            return redirect(reverse("admin:clusters_framework_change", args=[target.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": source,
            "form": form,
            "title": _("Salin edisi %(name)s") % {"name": source.name},
        }
        return TemplateResponse(request, "admin/clusters/framework/copy.html", context)


@admin.register(Cluster)
class ClusterAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "framework", "max_points"]
    list_filter = ["framework"]


class ItemInline(admin.StackedInline):
    model = Item
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "cluster", "max_points"]
    list_filter = ["cluster__framework", "cluster"]
    search_fields = ["code", "name"]
    list_select_related = ["cluster"]
    inlines = [ItemInline]


class EvidenceRequirementInline(admin.TabularInline):
    model = EvidenceRequirement
    extra = 0
    fields = ["code", "order", "name", "doc_type", "required", "max_age_months", "must_be_in_force"]


@admin.register(Item)
class ItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "kind", "rule", "weight", "evidence_required"]
    list_filter = ["indicator__cluster__framework", "kind", "rule", "indicator__cluster"]
    search_fields = ["code", "name"]
    list_select_related = ["indicator"]
    inlines = [EvidenceRequirementInline]


@admin.register(EvidenceRequirement)
class EvidenceRequirementAdmin(ReadOnlyHistoryAdmin):
    list_display = ["item", "code", "doc_type", "required", "max_age_months", "must_be_in_force"]
    list_filter = ["item__indicator__cluster__framework", "doc_type", "required"]
    search_fields = ["item__code", "code", "name"]
    list_select_related = ["item"]

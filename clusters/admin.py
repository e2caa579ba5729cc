"""Admin pages to edit the framework and copy an edition forward."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clusters.forms import FrameworkCopyForm
from clusters.models import (
    BandCondition,
    CategoryBand,
    Cluster,
    EvidenceRequirement,
    Framework,
    Indicator,
    Item,
)
from clusters.services import framework_copy, framework_revise
from kla_portal.history_admin import ReadOnlyHistoryAdmin


class FrameworkRowAdmin(ReadOnlyHistoryAdmin):
    """An admin of the framework's rows: every save or delete revises the edition.

    Scores are cached per edition revision, so a band, weight or item edited here shows in the
    next score at once instead of after the cache expires.
    """

    framework_path = "framework"  # lookup from the model to its Framework ("" for itself)

    def _frameworks(self, queryset):
        path = f"{self.framework_path}__pk" if self.framework_path else "pk"
        return set(queryset.values_list(path, flat=True))

    def _of(self, obj):
        return self._frameworks(self.model.objects.filter(pk=obj.pk))

    def save_related(self, request, form, formsets, change):
        # After the row and its inlines are saved, inside the admin's transaction.
        super().save_related(request, form, formsets, change)
        framework_revise(framework_ids=self._of(form.instance))

    def delete_model(self, request, obj):
        frameworks = self._of(obj)
        super().delete_model(request, obj)
        framework_revise(framework_ids=frameworks)

    def delete_queryset(self, request, queryset):
        frameworks = self._frameworks(queryset)
        super().delete_queryset(request, queryset)
        framework_revise(framework_ids=frameworks)


class CategoryBandInline(admin.TabularInline):
    model = CategoryBand
    extra = 0
    show_change_link = True  # the band's own page holds its conditions


class BandConditionInline(admin.TabularInline):
    """A band's conditions beyond points, validated by `BandCondition.clean` (same edition,
    the fields the kind uses, a percent in (0, 100])."""

    model = BandCondition
    extra = 0
    fields = ["kind", "item", "indicator", "min_percent"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the edition's own items and indicators, once the band exists.
        band_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        band = CategoryBand.objects.filter(pk=band_id).first() if band_id else None
        if band is not None and db_field.name == "item":
            kwargs["queryset"] = Item.objects.filter(
                indicator__cluster__framework=band.framework_id
            ).order_by("code")
        if band is not None and db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.filter(
                cluster__framework=band.framework_id
            ).order_by("cluster__order", "number")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CategoryBand)
class CategoryBandAdmin(FrameworkRowAdmin):
    """A category and what it needs beyond points; saving revises the edition (scores)."""

    list_display = ["name", "framework", "min_total", "order"]
    list_filter = ["framework"]
    inlines = [BandConditionInline]


class ClusterInline(admin.TabularInline):
    model = Cluster
    extra = 0
    fields = ["code", "order", "name", "max_points"]


@admin.register(Framework)
class FrameworkAdmin(FrameworkRowAdmin):
    framework_path = ""
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
class ClusterAdmin(FrameworkRowAdmin):
    list_display = ["code", "name", "framework", "max_points"]
    list_filter = ["framework"]


class ItemInline(admin.StackedInline):
    model = Item
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(FrameworkRowAdmin):
    framework_path = "cluster__framework"
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
class ItemAdmin(FrameworkRowAdmin):
    framework_path = "indicator__cluster__framework"
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

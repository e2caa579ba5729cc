"""Region scoping shared by every admin: the base admin and the list filters.

Every admin here is scoped to the regions the user acts for (`roles.user_regions`): a verifier
of one city never sees, filters on or acts on another city's data. Lists and read-only pages
also show a province verifier their province (`roles.readable_regions`); their group holds only
view permissions, and a row outside the regions a user acts for is never theirs to change.
"""

import re

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from clusters.models import Cluster, Indicator
from indicators import roles
from indicators.models import Agency, Evidence, Period, Region
from indicators.selectors import review_queue
from kla_portal.history_admin import ReadOnlyHistoryAdmin


def scoped_regions(request):
    """The regions the user acts for: what forms offer and imports write to."""
    return roles.user_regions(request.user)


def readable_regions(request):
    """The regions the user reads: lists, filters and read-only pages."""
    return roles.readable_regions(request.user)


class RegionScopedAdmin(ReadOnlyHistoryAdmin):
    """Shows, and offers in forms, only the rows of the user's regions."""

    region_path = ""  # lookup from the model to its Region

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope(request, queryset)

    def scope(self, request, queryset, regions=None):
        """Only the rows of the regions the user reads (or of `regions`)."""
        regions = readable_regions(request) if regions is None else regions
        return queryset.filter(**{f"{self.region_path}__in": regions})

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._acts_on(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._acts_on(request, obj)

    def _acts_on(self, request, obj) -> bool:
        """A row the user only reads (a province verifier's province) is never changed."""
        if obj is None or request.user.is_superuser or not roles.user_province(request.user):
            return True
        mine = self.model.objects.filter(pk=obj.pk)
        return self.scope(request, mine, self.writable_regions(request)).exists()

    def writable_regions(self, request):
        """The regions whose rows the user may write here: those they act for."""
        return scoped_regions(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = {Region: "pk", Agency: "region", Period: "region"}.get(db_field.related_model)
        if related and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                **{f"{related}__in": self.writable_regions(request)}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CheckedListFilter(admin.SimpleListFilter):
    """A list filter that ignores a value it could never match instead of failing on it.

    The value comes from the address bar: `?year=abc`, `?year=1e99` or a code of a thousand
    characters is shown as the unfiltered list (the filter reads "all"), never a 500 from a
    number that does not parse. NUL never gets this far (kla_portal.middleware refuses it).
    """

    pattern = r".{1,60}"  # what a value this filter can match looks like

    def value(self):
        raw = super().value()
        if raw is None or not re.fullmatch(self.pattern, raw):
            return None
        return raw


CODE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"


class CheckedExportMixin(ExportMixin):
    """The export of a list, answering 400 to filters it cannot read instead of a 500.

    The export page takes the list's filters from its address. The list itself redirects an
    unknown or unreadable filter to the unfiltered list; an export must not silently hand out
    more than was asked for, so it refuses and says how to do it right.
    """

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as exc:
            raise BadRequest(
                gettext(
                    "Filter ekspor tidak dikenali. Buka daftar, pilih filter di sana, "
                    "lalu tekan Ekspor lagi."
                )
            ) from exc


def region_filter(region_path):
    """A region filter offering only the user's regions."""

    class RegionFilter(CheckedListFilter):
        title = _("kabupaten/kota")
        parameter_name = "region"
        pattern = r"[-a-zA-Z0-9_]{1,60}"

        def lookups(self, request, model_admin):
            return list(readable_regions(request).order_by("name").values_list("slug", "name"))

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{region_path}__slug": self.value()})
            return queryset

    return RegionFilter


def agency_filter(agency_path):
    """An agency filter over the chosen region, or over the user's own regions."""

    class AgencyFilter(CheckedListFilter):
        title = _("OPD")
        parameter_name = "agency"
        pattern = CODE

        def lookups(self, request, model_admin):
            agencies = Agency.objects.filter(region__in=readable_regions(request))
            if request.GET.get("region"):
                agencies = agencies.filter(region__slug=request.GET["region"])
            elif request.user.is_superuser:
                return []  # hundreds of regions: choose a region first
            return [(a.code, f"{a.code} · {a}") for a in agencies.order_by("code")]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{agency_path}__code": self.value()})
            return queryset

    return AgencyFilter


class YearFilter(CheckedListFilter):
    title = _("periode")
    parameter_name = "year"
    pattern = r"[12][0-9]{3}"

    def lookups(self, request, model_admin):
        years = (
            Period.objects.filter(region__in=readable_regions(request))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        return queryset.filter(period__year=self.value()) if self.value() else queryset


class ClusterFilter(CheckedListFilter):
    title = _("klaster")
    parameter_name = "cluster"
    pattern = CODE

    def lookups(self, request, model_admin):
        rows = Cluster.objects.order_by("order", "-framework__year").values_list("code", "name")
        return list(dict(reversed(rows)).items())[::-1]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(item__indicator__cluster__code=self.value())
        return queryset


class IndicatorFilter(CheckedListFilter):
    title = _("indikator")
    parameter_name = "indicator"
    pattern = CODE

    def lookups(self, request, model_admin):
        indicators = Indicator.objects.order_by("cluster__order", "number", "-cluster__framework")
        if request.GET.get("cluster"):
            indicators = indicators.filter(cluster__code=request.GET["cluster"])
        rows = {}
        for code, name in indicators.values_list("code", "name"):
            rows.setdefault(code, f"{code} {name[:50]}")
        return list(rows.items())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(item__indicator__code=self.value())
        return queryset


class EvidenceMissingFilter(CheckedListFilter):
    title = _("data dukung")
    parameter_name = "evidence"
    pattern = r"missing|present"

    def lookups(self, request, model_admin):
        return [("missing", _("belum ada")), ("present", _("ada"))]

    def queryset(self, request, queryset):
        has = Exists(Evidence.objects.filter(submission=OuterRef("pk")))
        if self.value() == "missing":
            return queryset.filter(~has)
        if self.value() == "present":
            return queryset.filter(has)
        return queryset


class OverdueFilter(CheckedListFilter):
    title = _("menunggu terlalu lama")
    parameter_name = "overdue"
    pattern = r"1"

    def lookups(self, request, model_admin):
        days = review_queue.OVERDUE_AFTER.days
        return [("1", _("menunggu lebih dari %(days)d hari") % {"days": days})]

    def queryset(self, request, queryset):
        return queryset.filter(review_queue.overdue_q()) if self.value() == "1" else queryset

"""The coverage page for DP3AKB and the Gugus Tugas at `/fasilitas/cakupan/`, and its XLSX."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from facilities.exports.coverage import coverage_xlsx
from facilities.selectors import EXPIRING_DAYS, coverage, coverage_grid
from indicators.access import dashboard_scope
from indicators.views.dashboard import XLSX


def _coverage(request):
    scope = dashboard_scope(
        request.user, region_slug=request.GET.get("region"), year=request.GET.get("period")
    )
    return scope, coverage(scope.region, timezone.localdate())


@require_GET
@login_required
def coverage_page(request):
    """Per kecamatan and kelurahan: the places, the certificates, what lapses, the gaps."""
    scope, data = _coverage(request)
    context = {
        "scope": scope,
        "data": data,
        "grid": coverage_grid(data),
        "expiring_days": EXPIRING_DAYS,
    }
    return render(request, "facilities/coverage.html", context)


@require_GET
@login_required
def coverage_export(request):
    """The coverage tables as one XLSX workbook."""
    scope, data = _coverage(request)
    response = HttpResponse(coverage_xlsx(data), content_type=XLSX)
    filename = f"cakupan-fasilitas-{scope.region.slug}-{data.day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

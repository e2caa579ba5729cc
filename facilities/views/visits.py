"""The one-page plan of the field-visit sites (lokus) at `/fasilitas/lokus/`, for printing."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from facilities.visits import visit_plan
from indicators.access import dashboard_scope


@require_GET
@login_required
def visit_plan_page(request):
    """The period's sites in time order: who, when, what must be ready, and the backup."""
    scope = dashboard_scope(
        request.user, region_slug=request.GET.get("region"), year=request.GET.get("period")
    )
    context = {"scope": scope, "sites": visit_plan(scope.period), "printed_at": timezone.now()}
    return render(request, "facilities/visit_plan.html", context)

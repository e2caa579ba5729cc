"""Each role's home at `/`: the operator's items of the open period, or a landing page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from facilities.expiry import alert_days, expiring_certifications
from facilities.models import FacilityType
from indicators import access, roles
from indicators.selectors import dashboard, readiness_views, workspace
from indicators.selectors.periods import current_period
from verification.selectors.findings import open_for_agencies


@login_required
def home(request):
    """Operators see their agency's items and notices; everyone else a page of links."""
    user = request.user
    agencies = list(access.operator_agencies(user))
    if not agencies:
        context = {
            "is_verifier": roles.is_verifier(user),
            "can_see_dashboard": roles.can_see_dashboard(user),
            "province": access.province_of(user),
        }
        return render(request, "indicators/landing.html", context)
    agency = access.agency_for_operator(user, request.GET.get("agency"), agencies)
    period = current_period(agency.region)
    status = request.GET.get("status")
    status = status if status in workspace.STATUS_FILTERS else ""
    items = workspace.workspace_for(agency, period, status) if period else None
    only = request.GET.get("readiness")
    context = {
        "agency": agency,
        "agencies": agencies,
        "period": period,
        "workspace": items,
        "readiness": readiness_views.workspace_readiness(items, only) if items else None,
        "readiness_filter": only if only in readiness_views.READY_FILTERS else "",
        "status_filter": status,
        "notices": workspace.notices_for(agencies, period) if period else [],
        # The register, for agencies that supply places of some type (and their alerts).
        "supplies_register": any(
            agency.code.upper() in t.agency_codes for t in FacilityType.objects.all()
        ),
        "expiring": list(expiring_certifications(agencies=[agency])),
        "alert_days": alert_days(),
        "part": dashboard.agency_part(items) if items else None,
        # The verifiers' findings still waiting on these agencies, first on the page.
        "findings": open_for_agencies(agencies),
    }
    return render(request, "indicators/home.html", context)

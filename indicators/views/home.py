"""Each role's home at `/`: the operator's items of the open period, or a landing page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string

from facilities.expiry import alert_days, expiring_certifications
from facilities.models import FacilityType
from indicators import access, roles
from indicators.selectors import dashboard, readiness_views, workspace
from indicators.selectors.periods import current_period
from kla_portal import versions
from kla_portal.content_cache import cached_content
from verification.selectors.findings import HOME_LIMIT, open_for_agencies


@login_required
def home(request):
    """Operators see their agency's items and notices; everyone else a page of links."""
    user = request.user
    agencies = access.operator_agency_list(user)
    if not agencies:
        context = {
            "is_verifier": roles.is_verifier(user),
            "can_see_dashboard": roles.can_see_dashboard(user),
            "province": access.province_of(user),
        }
        return render(request, "indicators/landing.html", context)
    agency = access.agency_for_operator(user, request.GET.get("agency"), agencies)
    status = request.GET.get("status")
    status = status if status in workspace.STATUS_FILTERS else ""
    only = request.GET.get("readiness")
    only = only if only in readiness_views.READY_FILTERS else ""

    def context():
        period = current_period(agency.region)
        items = workspace.workspace_for(agency, period, status) if period else None
        return {
            "agency": agency,
            "agencies": agencies,
            "period": period,
            "workspace": items,
            "readiness": readiness_views.workspace_readiness(items, only) if items else None,
            "readiness_filter": only,
            "status_filter": status,
            "notices": workspace.notices_for(agencies, period) if period else [],
            # The register, for agencies that supply places of some type (and their alerts).
            "supplies_register": any(
                agency.code.upper() in t.agency_codes for t in FacilityType.objects.all()
            ),
            "expiring": list(expiring_certifications(agencies=[agency])),
            "alert_days": alert_days(),
            "part": dashboard.agency_part(items) if items else None,
        }

    # The operator's agencies (the switcher, the notices) and the filters decide the content.
    scope = (tuple(a.pk for a in agencies), agency.pk, status, only)
    # The verifiers' findings still waiting on these agencies, first on the page: read until the
    # next write (`kla_portal.versions`) but rendered on every request, since "overdue" changes
    # with the clock and not with a write.
    waiting = versions.remember(
        "home:findings",
        (scope[0],),
        lambda: open_for_agencies(agencies, limit=HOME_LIMIT + 1),  # one more: are there more?
    )
    findings = render_to_string(
        "verification/home_findings.html",
        {"findings": waiting[:HOME_LIMIT], "more": len(waiting) > HOME_LIMIT},
    )
    content = cached_content(
        request,
        name="home",
        scope=scope,
        template="indicators/home_content.html",
        context=context,
        fresh={"findings": findings},
    )
    return render(request, "indicators/home.html", {"agency": agency, "content": content})

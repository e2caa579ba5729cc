"""The Gugus Tugas dashboard at `/dashboard/` and its XLSX export."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from facilities.expiry import alert_days, expiring_certifications
from indicators.access import dashboard_scope
from indicators.exports.dashboard_xlsx import dashboard_xlsx
from indicators.selectors.dashboard import (
    dashboard_data,
    indicators_of_agency,
    official_result,
    summary_sentence,
)
from kla_portal.content_cache import cached_content
from verification.selectors.stages import dashboard_stages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request):
    return dashboard_scope(
        request.user, region_slug=request.GET.get("region"), year=request.GET.get("period")
    )


@require_GET
@login_required
def dashboard(request):
    """Where the region stands, how sure it is, what is missing, who must act, the way up."""
    scope = _scope(request)
    wanted = request.GET.get("agency")

    def context():
        data = dashboard_data(scope.period)
        agency = next((a for a in data.agencies if a.code == wanted), None)
        timeline, forecast_years = dashboard_stages(scope.period)
        return {
            "scope": scope,
            "data": data,
            "summary": summary_sentence(data),
            "official": official_result(data),
            "agency": agency,
            "indicators": indicators_of_agency(data.indicators, agency.code)
            if agency
            else data.indicators,
            "expiring": list(expiring_certifications(regions=[scope.region])),
            "alert_days": alert_days(),
            # The ministry's stages beside the forecast frozen at self-assessment (verification/).
            "timeline": timeline,
            "forecast_years": forecast_years,
        }

    # The regions this visitor may pick from (the filter's choices) are part of the content.
    key = (scope.region.pk, scope.period.pk, tuple(r.pk for r in scope.regions), wanted or "")
    printed = render_to_string(
        "partials/printed_by.html",
        {"printed_at": timezone.localtime(), "user": request.user},
    )
    content = cached_content(
        request,
        name="dashboard",
        scope=key,
        template="indicators/dashboard_content.html",
        context=context,
        fresh={"printed_by": printed},
    )
    return render(request, "indicators/dashboard.html", {"content": content})


@require_GET
@login_required
def dashboard_export(request):
    """Every table of the dashboard as one XLSX workbook."""
    scope = _scope(request)
    response = HttpResponse(dashboard_xlsx(dashboard_data(scope.period)), content_type=XLSX)
    filename = f"dasbor-kla-{scope.region.slug}-{scope.period.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

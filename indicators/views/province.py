"""The province verifier's overview at `/provinsi/`: every region of the province, ranked."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators import access
from indicators.selectors.province import province_overview


@require_GET
@login_required
def province_page(request):
    """The regions of the visitor's province by verified, ready and self-assessed totals."""
    province, provinces = access.province_scope(request.user, request.GET.get("province"))
    context = {
        "province": province,
        "provinces": provinces,
        "rows": province_overview(province),
    }
    return render(request, "indicators/province.html", context)

"""Error pages: under /api/ the API's JSON problem details, elsewhere Django's own pages."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def problem_body(status: int, code: str, title: str, detail: str, errors=None) -> dict:
    """The API's one error shape: problem details (RFC 9457) with the portal's errors list."""
    return {
        "type": f"urn:kla:error:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": errors or [],
    }


def api_problem(status: int, code: str, title: str, detail: str) -> JsonResponse:
    return JsonResponse(problem_body(status, code, title, detail), status=status)


def not_found(request, exception=None):
    if is_api(request):
        return api_problem(
            404, "not_found", _("Tidak ditemukan"), _("Alamat ini tidak ada di API Portal KLA.")
        )
    return page_not_found(request, exception)

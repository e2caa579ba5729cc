"""Every API error as one JSON shape (problem details, RFC 9457), in the request's language.

{"type": "urn:kla:error:<code>", "title": ..., "status": 400, "detail": ..., "code": ...,
 "errors": [{"field": ..., "row": ..., "column": ..., "message": ...}]}

The portal's own refusals (an import's row errors, a workflow refusal, a refused file) map here
too, so views stay thin and a client reads one shape whatever went wrong.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from indicators.selectors.periods import NotFound
from indicators.services.importing import ApprovedWouldChange, ImportRejected, StalePreview
from indicators.services.workflow import WorkflowError
from indicators.uploads import EvidenceRejected
from kla_portal.errors import problem_body


def problem(status_code: int, code: str, title: str, detail: str, errors=None, headers=None):
    body = problem_body(status_code, code, title, detail, errors)
    return Response(body, status=status_code, headers=headers)


def _error(message, field=None, row=None, column=None) -> dict:
    return {"field": field, "row": row, "column": column, "message": str(message)}


def _flatten(detail, prefix="") -> list[dict]:
    """A serializer's nested errors as a list, each with the dotted path of its field."""
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        ]
    if isinstance(detail, list):
        if all(not isinstance(value, (dict, list)) for value in detail):
            return [_error(value, field=prefix or None) for value in detail]
        return [
            error
            for index, value in enumerate(detail)
            for error in _flatten(value, f"{prefix}.{index}" if prefix else str(index))
        ]
    return [_error(detail, field=prefix or None)]


def _rows(errors) -> list[dict]:
    return [_error(e.message, row=e.row, column=e.column) for e in errors]


TITLES = {
    400: lambda: _("Permintaan tidak valid"),
    401: lambda: _("Perlu autentikasi"),
    403: lambda: _("Tidak diizinkan"),
    404: lambda: _("Tidak ditemukan"),
    405: lambda: _("Metode tidak diizinkan"),
    406: lambda: _("Format jawaban tidak tersedia"),
    409: lambda: _("Konflik"),
    413: lambda: _("Permintaan terlalu besar"),
    415: lambda: _("Jenis isi tidak didukung"),
    429: lambda: _("Terlalu banyak permintaan"),
}


def _title(status_code: int) -> str:
    return TITLES.get(status_code, lambda: _("Kesalahan"))()


def api_exception_handler(exc, context):
    """DRF's exception handler: the project's refusals and DRF's own as problem details."""
    if isinstance(exc, ApprovedWouldChange):
        detail = _(
            "Impor dibatalkan, tidak ada data yang diubah: %(count)s isian yang sudah disetujui "
            "akan berubah (nilai terverifikasi %(before)s -> %(after)s). Kirim ulang dengan "
            "replace_approved bila memang dimaksud."
        ) % {
            "count": len(exc.errors),
            "before": exc.plan.verified_before,
            "after": exc.plan.verified_after,
        }
        return problem(409, "approved_would_change", _title(409), detail, _rows(exc.errors))
    if isinstance(exc, StalePreview):
        return problem(409, "conflict", _title(409), str(exc.errors[0].message), _rows(exc.errors))
    if isinstance(exc, ImportRejected):
        detail = _("Impor dibatalkan: %(count)s kesalahan, tidak ada data yang diubah.") % {
            "count": len(exc.errors)
        }
        return problem(400, "import_rejected", _title(400), detail, _rows(exc.errors))
    if isinstance(exc, EvidenceRejected):
        return problem(400, "file_rejected", _title(400), str(exc), [_error(exc, field="file")])
    if isinstance(exc, WorkflowError):
        return problem(409, "refused", _title(409), str(exc))
    if isinstance(exc, NotFound | Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if str(exc) else None)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real failure: a 500, logged
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = _("Data yang dikirim tidak valid: %(count)s kesalahan.") % {"count": len(errors)}
        return problem(400, "invalid", _title(400), detail, errors, headers)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
    return problem(exc.status_code, code, _title(exc.status_code), detail, headers=headers)

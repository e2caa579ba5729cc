"""Project middleware: language choice, refusing NUL, private pages, one-line 403 logs."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.handlers.exception import get_exception_response
from django.middleware.locale import LocaleMiddleware
from django.urls import get_resolver, get_urlconf
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from kla_portal.client_address import client_address
from kla_portal.errors import api_problem, is_api

refusal_logger = logging.getLogger("kla.refused")


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    Many office PCs run an English browser; the portal still speaks Indonesian to them until
    the user picks English in the navbar (which sets the language cookie).
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            # Programs have no navbar: the API alone follows Accept-Language (default Indonesian).
            chosen = api_language(request.headers.get("Accept-Language", ""))
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


def api_language(header: str) -> str:
    """The first of the portal's languages that an Accept-Language header asks for, else ours."""
    for code, _quality in parse_accept_lang_header(header[:500]):
        base = code.split("-")[0].lower()
        if base in dict(settings.LANGUAGES):
            return base
    return settings.LANGUAGE_CODE


def refusal_log(request, status: int, event: str) -> None:
    """One warning line for a refused request: status, method, path, user id, client address."""
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    address = client_address(request)
    refusal_logger.warning(
        "%s %s %s user=%s client=%s",
        status,
        request.method,
        request.path,
        user_id,
        address,
        extra={
            "event": event,
            "status_code": status,
            "method": request.method,
            "path": request.path,
            "user_id": user_id,
            "client": address,
        },
    )


def _logged(response):
    # Django logs every 4xx once more ("Forbidden: /path") unless the response says it has
    # been logged, with the very flag django.utils.log.log_response sets.
    response._has_been_logged = True
    return response


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any("\x00" in key or "\x00" in value for key, value in _query_pairs(request))


def _query_pairs(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


def _nul_message() -> str:
    return _("Alamat halaman berisi karakter NUL yang tidak diizinkan.")


class RefuseNulMiddleware:
    """Answers 400 to a path or query string holding a NUL character, before any view runs.

    NUL is never part of a code, slug, number or search term, and PostgreSQL refuses it in text:
    left through, every filter, lookup or search that reaches the database would fail with a
    500. Refusing it here covers every page, list filter and export at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            refusal_log(request, 400, "nul")
            if is_api(request):
                return _logged(api_problem(400, "nul", _("Permintaan tidak valid"), _nul_message()))
            # Answered here rather than raised: Django would log a 400 raised as BadRequest
            # with its whole traceback.
            reason = BadRequest(_nul_message())
            return _logged(
                get_exception_response(request, get_resolver(get_urlconf()), 400, reason)
            )
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Every page of the portal is private to its reader: `Cache-Control: private, no-store`.

    The admin already says so (never_cache); the OPD pages, the dashboard, its export and the
    evidence downloads carry one region's data too, and a shared proxy or the browser's disk
    cache must not keep them. A view that sets its own Cache-Control (healthz) keeps it; static
    files never reach this middleware (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class RefusalLogMiddleware:
    """Logs a refused request (PermissionDenied, BadRequest) in one line, not with a traceback.

    A 403 or 400 is an expected answer, not a failure: Django's own log of it carries the whole
    stack, which buries the real errors. The line says who asked for what from where, enough
    to spot someone probing other regions' pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            status, event = 403, "forbidden"
        elif isinstance(exception, BadRequest):
            status, event = 400, "bad_request"
        else:
            return None
        refusal_log(request, status, event)
        # The project's error page, as Django would render it, without Django's traceback log.
        response = get_exception_response(request, get_resolver(get_urlconf()), status, exception)
        return _logged(response)

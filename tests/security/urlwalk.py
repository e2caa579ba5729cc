"""Walk every URL pattern of the project and fill its parameters with real demo objects."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Outcome classes of one request.
OK, LOGIN, REDIRECT, BAD, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = (
    "200",
    "login",
    "redirect",
    "400",
    "401",
    "403",
    "404",
    "405",
)
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full route text (the matrix key) and its name."""

    route: str
    name: str


def url_routes(resolver=None, prefix: str = "", namespace: str = "") -> list[Route]:
    """Every URL pattern of the project, included ones and the admin's, in resolver order."""
    resolver = resolver or get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            routes.extend(url_routes(pattern, text, inner))
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            routes.append(Route(text, f"{namespace}:{name}" if namespace and name else name))
    return routes


def outcome(response) -> str:
    """The outcome class of a response: 200, login, redirect, or the status code."""
    if response.status_code in (301, 302):
        location = response.headers["Location"]
        return LOGIN if location.split("?")[0].endswith(LOGIN_PATHS) else REDIRECT
    return str(response.status_code)


PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)|\(\[\^/\]\+\)")


def fill(route: str, values: list[str] | dict[str, str]) -> str:
    """The route with its parameters replaced, in order (or by name), and regex marks dropped."""
    queue = list(values) if isinstance(values, list) else None

    def replace(match):
        name = match.group(1) or match.group(2)
        if queue is not None:
            return str(queue.pop(0))
        return str(values[name])

    path = PARAM.sub(replace, route).replace("^", "").replace("$", "")
    return "/" + path


def admin_model(route: str) -> str | None:
    """`app.model` of an admin ModelAdmin route, else None."""
    match = ADMIN_MODEL.match(route)
    return f"{match['app']}.{match['model']}" if match else None


# ---- hostile values for parameters ------------------------------------------------------------

# What an attacker or a mangled bookmark puts in a parameter: a word where a number belongs, a
# number too large for any column, a negative, NUL, something very long, and scripts and
# invisible characters.
HOSTILE_VALUES = (
    "abc",
    "1e99",
    "-1",
    "99999999999999999999",
    "\x00",
    "x" * 5000,
    "Ⅻ١٢٣🙂\u202e",
    "' OR 1=1 --",
)

# Every query parameter a portal page or export reads, by route (the matrix key). The test
# `test_every_query_parameter_read_by_the_code_is_fuzzed` fails when a view reads one not here.
PORTAL_PARAMETERS = {
    "": ("agency", "readiness", "status"),
    "items/<str:code>/": ("agency",),
    "dashboard/": ("region", "period", "agency"),
    "dashboard/export.xlsx": ("region", "period"),
    "fasilitas/cakupan/": ("region", "period"),
    "fasilitas/cakupan/export.xlsx": ("region", "period"),
    "fasilitas/lokus/": ("region", "period"),
    "provinsi/": ("province",),
    "accounts/login/": ("next",),
    "admin/indicators/submission/recap/": ("period", "format"),
    "admin/indicators/submission/export/": ("year", "region", "agency", "status__exact", "q"),
    "admin/indicators/submission/import/": ("period",),
    "fasilitas/register/": ("agency",),
    "fasilitas/register/add/": ("agency",),
    "fasilitas/register/export/": ("agency", "format"),
    "admin/facilities/facility/export/": ("region", "format"),
    "admin/review/": (
        "region",
        "year",
        "cluster",
        "indicator",
        "agency",
        "status",
        "readiness",
        "flag",
        "page",
    ),  # fmt: skip
}


def changelist_parameters(model_admin, request) -> list[str]:
    """Every query parameter the admin changelist reads: each list filter's, search, order, page."""
    changelist = model_admin.get_changelist_instance(request)
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    if model_admin.get_search_fields(request):
        names.append("q")
    return [*names, "o", "p"]

"""Walk every URL pattern of the project and fill its parameters with real demo objects."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Outcome classes of one request.
OK, LOGIN, REDIRECT, BAD, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = (
    "200",
    "login",
    "redirect",
    "400",
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

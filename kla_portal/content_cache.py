"""The data-dependent content of a page, rendered once per (scope, language, day, data version)
and reused by every visitor of that scope; what is personal is put in fresh on every request.

A page's view checks who may see what first (as always, on every request), then asks for its
content by a scope made of the objects that decide it (agency or region, period, filters).
The content template is rendered without the request: no user, no messages, no navbar (those
are in the page around it, `base.html`). The CSRF token and any other personal piece the
content shows are placeholders in the cached HTML, replaced on each request. Only GETs are
cached; a POST (whose form carries what the user typed) and an error response render fresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from kla_portal import versions

# Letters and digits only: escaping leaves them as they are wherever the template prints them.
CSRF_PLACEHOLDER = "klafreshcsrf0b6e5f1d"


def _placeholder(name: str) -> str:
    return f"klafresh{name}7d3b9a"


def content_key(name: str, scope: tuple, version) -> str:
    digest = hashlib.sha256(repr(scope).encode()).hexdigest()[:32]
    day = timezone.localdate()
    return f"content:{name}:{digest}:{translation.get_language()}:{day:%Y%m%d}:{version}"


def cached_content(
    request,
    *,
    name: str,
    scope: tuple,
    template: str,
    context: Callable[[], dict],
    fresh: dict[str, str] | None = None,
    lifetime: Callable[[dict], float | None] | None = None,
) -> SafeString:
    """The rendered `template` for `scope`: from the cache when the data has not changed since.

    `context` is called only when it must be rendered; `scope` must hold everything that
    context depends on besides the data (which the version covers), the day and the language.
    `fresh` maps names to HTML put in on every request (the template prints `fresh.<name>`).
    `lifetime`, given the context, says for how many seconds at most the rendering holds when it
    shows something that changes with the clock rather than with a write ("waiting 3 days").
    """
    fresh = fresh or {}
    version = versions.current() if request.method == "GET" else None
    key = content_key(name, scope, version) if version is not None else None
    html = cache.get(key) if key else None
    if html is None:
        values = context()
        values["csrf_token"] = CSRF_PLACEHOLDER
        values["fresh"] = {n: mark_safe(_placeholder(n)) for n in fresh}  # noqa: S308 - ours
        html = render_to_string(template, values)
        seconds = settings.SCORE_CACHE_SECONDS
        if lifetime is not None and (until := lifetime(values)) is not None:
            seconds = min(seconds, int(until))
        if key and seconds > 0:
            cache.set(key, html, timeout=seconds)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    for n, part in fresh.items():
        html = html.replace(_placeholder(n), part)
    return mark_safe(html)  # noqa: S308 - rendered by our own templates, escaped there

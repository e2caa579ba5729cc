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
import secrets
from collections.abc import Callable

from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from kla_portal import versioned_cache, versions


def _placeholder(name: str, token: str) -> str:
    """Where a fresh piece goes. Letters and digits only, so escaping leaves it as it is
    wherever the template prints it; with a random token drawn for each rendering and kept
    beside it, so no text a user typed (a narrative, a finding) can name a placeholder and
    be replaced by the CSRF token or another piece."""
    return f"klafresh{name}{token}"


def content_key(name: str, scope: tuple, version) -> str:
    digest = hashlib.sha256(repr(scope).encode()).hexdigest()[:32]
    day = timezone.localdate()
    # v3: stored through `versioned_cache` (with the time it stops holding); v2: the entry is
    # (token, html), not the html alone.
    return f"content:v3:{name}:{digest}:{translation.get_language()}:{day:%Y%m%d}:{version}"


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
    entry = versioned_cache.get(key) if key else versioned_cache.MISSING
    if entry is versioned_cache.MISSING:
        token = secrets.token_hex(8)
        values = context()
        values["csrf_token"] = _placeholder("csrf", token)
        values["fresh"] = {n: mark_safe(_placeholder(n, token)) for n in fresh}  # noqa: S308
        entry = (token, render_to_string(template, values))
        seconds = settings.SCORE_CACHE_SECONDS
        if lifetime is not None and (until := lifetime(values)) is not None:
            seconds = min(seconds, int(until))
        if key:
            versioned_cache.put(key, entry, seconds, frozen=True)  # two strings
    token, html = entry
    csrf = _placeholder("csrf", token)
    if csrf in html:
        html = html.replace(csrf, get_token(request))
    for n, part in fresh.items():
        html = html.replace(_placeholder(n, token), part)
    return mark_safe(html)  # noqa: S308 - rendered by our own templates, escaped there

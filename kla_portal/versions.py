"""The data version: one number in the shared cache that moves after every committed write to
the data the pages show. Every versioned cache (score snapshots, the feeds rules, the rendered
content of the home, item and dashboard pages) puts it in its keys, so nothing cached before a
write is read after it.

The writes are seen where all of them pass: the database connection. An execute wrapper
(installed on every connection) looks at each INSERT, UPDATE, DELETE or TRUNCATE; when it names a
table of `VERSIONED_MODELS` (or one of their many-to-many tables), the version is bumped once
after the transaction commits, or at once in autocommit. Model saves, admin edits, signals-free
`QuerySet.update()`, `bulk_create`, `bulk_update`, `delete()` and raw SQL through Django's
cursor are all caught, on PostgreSQL and SQLite alike. Writes made outside Django (psql) are not.

Reading takes the version first and the data after, so a write that commits in between only
makes a fresher value be stored under an older key. A transaction holding uncommitted writes of
its own sees data nobody else sees yet: its version is the shared one plus a token of that
transaction and a count of its writes, so it reads only what it stored itself since its last
write, and nobody else ever reads that (the token is random; after the commit the shared version
has moved, after a rollback the token is forgotten).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from kla_portal import versioned_cache

T = TypeVar("T")

# Writes to these models change what the operator home, the item page or the dashboard show
# (or the score snapshots and the feeds rules). One line per model; their many-to-many tables
# come with them.
VERSIONED_MODELS = [
    "auth.User",  # names in histories (logins alone are ignored, below); groups, via its M2M
    "auth.Group",  # a group's name is a role (`indicators.roles`)
    "clusters.Framework",
    "clusters.CategoryBand",
    "clusters.BandCondition",
    "clusters.Cluster",
    "clusters.Indicator",
    "clusters.Item",
    "clusters.EvidenceRequirement",
    "indicators.Region",
    "indicators.Kecamatan",
    "indicators.Kelurahan",
    "indicators.Agency",
    "indicators.Assignment",
    "indicators.Period",
    "indicators.OfficialResult",
    "indicators.Submission",
    "indicators.Evidence",
    "indicators.ReviewEvent",
    "facilities.FacilityType",
    "facilities.Standard",
    "facilities.Facility",
    "facilities.Certification",
    "facilities.RegisterTake",
    "facilities.FieldVisitSite",
    "facilities.FieldVisitCheck",
    "indicators.ProvinceMembership",
    "verification.Stage",
    "verification.ForecastSnapshot",
    "verification.Finding",
    "verification.FindingResponse",
]

# Statements that write a versioned table yet change nothing a page shows: a login stamps
# `last_login`, and every login would otherwise empty every cache.
# A finding's reminder stamp (`reminded_at`) shows nowhere, and each hourly reminder would
# otherwise empty every cache of the country.
IGNORED_PREFIXES = (
    'UPDATE "auth_user" SET "last_login" = ',
    'UPDATE "verification_finding" SET "reminded_at" = ',
)

KEY = "data-version"
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?', re.IGNORECASE
)
_tables: frozenset[str] | None = None


def tables_of(*models) -> set[str]:
    """The database tables of these models and of their many-to-many tables."""
    names = set()
    for model in models:
        names.add(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            names.add(field.remote_field.through._meta.db_table)
    return names


def versioned_tables() -> frozenset[str]:
    """The database tables of `VERSIONED_MODELS` and their many-to-many tables."""
    global _tables
    if _tables is None:
        _tables = frozenset(tables_of(*(apps.get_model(label) for label in VERSIONED_MODELS)))
    return _tables


def enabled() -> bool:
    """Versioned caches only where the cache is shared by every worker (settings)."""
    return bool(settings.SCORE_CACHE_SECONDS)


def _table_key(table: str) -> str:
    return f"{KEY}:{table}"


class _Bump:
    """The after-commit bump of one transaction, with the tables it wrote."""

    def __init__(self, tables=()):
        self.tables = set(tables)

    def __call__(self):
        bump(self.tables)


def bump(tables=()) -> None:
    """Move the version (and the tables' own): everything cached under the old one is never
    read again."""
    _forget_request_versions()
    for key in (KEY, *(_table_key(t) for t in sorted(tables))):
        try:
            cache.incr(key)
        except ValueError:  # no version yet (or evicted): nothing cached can be read anyway
            cache.add(key, time.time_ns(), timeout=None)


def _pending(connection) -> _Bump | None:
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _Bump):
            return entry[1]
    return None


# ---- the versions a request has read ----------------------------------------------------------
# A request reads the versions once: the first read fetches every version (the data's and each
# table's) in one round trip, and later reads in the same request are answered from that. It is
# as if the request had read them all when it started, which is the rule anyway (the version
# before the data). Any write this process makes to a versioned table forgets them, so the
# request's own writes are seen at once; outside a request (commands, tasks) nothing is kept.
_request = threading.local()


def _all_keys() -> list[str]:
    return [KEY, *(_table_key(t) for t in sorted(versioned_tables()))]


@receiver(request_started, dispatch_uid="kla-versions-request-started")
def _request_started(sender, **kwargs):
    _request.versions = {}


@receiver(request_finished, dispatch_uid="kla-versions-request-finished")
def _request_finished(sender, **kwargs):
    _request.versions = None


def _forget_request_versions() -> None:
    if getattr(_request, "versions", None):
        _request.versions = {}


def _shared(keys: list[str]) -> tuple[int, ...]:
    memo = getattr(_request, "versions", None)
    if memo is None:
        return _fetch(keys)
    if not memo:
        memo.update(zip(_all_keys(), _fetch(_all_keys()), strict=True))
    if any(k not in memo for k in keys):  # a table outside the registry: read it alone
        memo.update(zip(keys, _fetch(keys), strict=True))
    return tuple(memo[k] for k in keys)


def _fetch(keys: list[str]) -> tuple[int, ...]:
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    for key in missing:
        # Start from the clock, not 1: if a version was evicted, values keyed with small
        # numbers must not come back to life.
        cache.add(key, time.time_ns(), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return tuple(found[k] for k in keys)


def current(*models, using: str = "default") -> str | None:
    """The version to key cached values with; None when they must be computed fresh.

    Without `models`, the version of all the data; with them, of those models' tables and
    their many-to-many tables only (the framework's models for the framework's plain values,
    say), which other writes leave.
    """
    if not enabled():
        return None
    if models:
        tables = sorted(tables_of(*models))
        version = ".".join(map(str, _shared([_table_key(t) for t in tables])))
    else:
        version = str(_shared([KEY])[0])
    connection = connections[using]
    if connection.in_atomic_block and _pending(connection):
        token, writes = connection.kla_uncommitted
        return f"{version}:{token}:{writes}"
    return version


def remember(name: str, parts: tuple, compute: Callable[[], T], *models) -> T:
    """What `compute` returns, from the cache until the next committed write to the data (or,
    with `models`, to those models' tables). `parts` must hold everything the value depends on
    besides that data: the user, the region chosen, the day when it matters. The value is kept
    in the shared cache and in this worker (`kla_portal.versioned_cache`)."""
    version = current(*models)
    if version is None:
        return compute()
    # The version of many tables is long: hashed with the parts, the key stays short.
    digest = hashlib.sha256(repr((parts, version)).encode()).hexdigest()[:40]
    key = f"{name}:{digest}"
    value = versioned_cache.get(key)
    if value is versioned_cache.MISSING:
        value = compute()
        versioned_cache.put(key, value, settings.SCORE_CACHE_SECONDS)
    return value


def writes_versioned(sql: str) -> str | None:
    """The table a statement writes when its rows show on the versioned pages, else None
    (a TRUNCATE: "*")."""
    if sql[:1] not in "IUDTiudt " or sql.startswith(IGNORED_PREFIXES):
        return None
    found = _WRITE.match(sql)
    if not found:
        return None
    if found.group(0).lstrip()[:1] in "Tt":
        return "*"
    return found.group(1) if found.group(1) in versioned_tables() else None


class _Watch:
    """The execute wrapper: run the statement, then schedule the bump if it wrote data."""

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        table = writes_versioned(sql) if isinstance(sql, str) else None
        if table:
            _forget_request_versions()
            tables = versioned_tables() if table == "*" else (table,)
            connection = self.connection
            if not connection.in_atomic_block:
                bump(tables)
                return result
            pending = _pending(connection)
            if pending is None:
                # One bump per transaction; a rolled-back savepoint drops it with its writes,
                # and the next write in the transaction schedules it again.
                connection.on_commit(_Bump(tables))
                connection.kla_uncommitted = [secrets.token_hex(8), 1]
            else:
                pending.tables.update(tables)
                connection.kla_uncommitted[1] += 1
        return result


@receiver(connection_created, dispatch_uid="kla-data-version")
def _watch_connection(sender, connection, **kwargs):
    if not any(isinstance(w, _Watch) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_Watch(connection))

"""A changelist paginator that does not count a whole national table on every page view."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Trusts PostgreSQL's row estimate when the list is the whole, huge, unfiltered table."""

    # Below this the exact count is cheap, and a reviewer may well compare it with a recap.
    EXACT_BELOW = 10_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            estimate = _estimated_rows(self.object_list.db, self.object_list.model._meta.db_table)
            if estimate is not None and estimate >= self.EXACT_BELOW:
                return estimate
        return super().count


def _estimated_rows(alias: str, table: str) -> int | None:
    """The planner's row estimate from the last ANALYZE (None off PostgreSQL or never analysed)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return row[0] if row and row[0] > 0 else None

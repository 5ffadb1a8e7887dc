"""The database's own estimate of how many rows a query returns, for choosing between two ways to ask.

PostgreSQL's planner estimates every query's rows from its statistics (what ANALYZE and autovacuum
keep: the most common values and a histogram of each column and indexed expression). `EXPLAIN` without
ANALYZE runs nothing: it costs a planning, a few hundred microseconds. SQLite keeps no such statistics
for a text pattern, so there the answer is None and the caller keeps its usual way.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


def estimated_rows(queryset: QuerySet) -> float | None:
    """PostgreSQL's planner's estimate of the rows `queryset` returns (None on other databases)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()  # psycopg loads the JSON
    return float(plan[0]["Plan"]["Plan Rows"])


def estimated_share(queryset: QuerySet, of: QuerySet) -> float | None:
    """The estimated rows of `queryset` as a share of those of `of` (None where there is no estimate)."""
    part, whole = estimated_rows(queryset), estimated_rows(of)
    if part is None or not whole:
        return None
    return part / whole

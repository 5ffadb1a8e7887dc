"""PostgreSQL for the test suite: Django's flush empties the tables with DELETE instead of TRUNCATE.

A test that runs in real transactions (the browser tests, the worker tests: pytest-django's
`transactional_db`) ends with a flush of every table. On PostgreSQL, TRUNCATE gives each table and
index a new file: 326 ms a flush on this machine (2026-11-29), against 9 ms to DELETE the same few
rows; over the hundred such tests of a run that was about half a minute of `make test`. The outcome
is the same: every table empty, sequences kept (a flush that resets them, or that cascades beyond its
tables, is left to TRUNCATE). Django makes PostgreSQL's foreign keys DEFERRABLE INITIALLY DEFERRED,
so they are checked at the commit of the flush's one transaction, when every table is empty.

The content types and permissions are kept: the flush's post_migrate signal makes exactly those rows
again (and still adds any a test removed), and writing them back was 40 of a flush's 85 ms here.

tests/settings.py uses this backend for a PostgreSQL DATABASE_URL; `connection.vendor` stays
"postgresql". The app's own settings never name it.
"""

from __future__ import annotations

from django.db.backends.postgresql import operations

from marginalia.postgresql import base

# Rows the flush's post_migrate would write again as they were.
KEPT = frozenset({"django_content_type", "auth_permission"})


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self, style, tables, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if reset_sequences or allow_cascade or not tables:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = style.SQL_KEYWORD("DELETE FROM")
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [
            f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables if table not in KEPT
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

"""Make the real database refuse one thing, for tests of what happens when it fails.

SQLite: the connection's authorizer (sqlite3's `set_authorizer`) denies it. PostgreSQL: the test's
connection switches to a role that lacks that one privilege. Either way the error comes from the
database through every layer of our code, as it would in production: nothing of ours is replaced.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def refusing(table: str, *, read_column: str | None = None, insert: bool = False) -> Iterator[None]:
    """While inside, reading `table.read_column` (in any SELECT, RETURNING included) or inserting into
    `table` fails with a database error. Needs `transactional_db` on PostgreSQL (SET ROLE)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        yield from _sqlite(table, read_column, insert)
    else:
        yield from _postgres(table, read_column, insert)


def _sqlite(table: str, read_column: str | None, insert: bool) -> Iterator[None]:
    def authorize(action, arg1, arg2, db_name, source):
        if read_column and action == sqlite3.SQLITE_READ and (arg1, arg2) == (table, read_column):
            return sqlite3.SQLITE_DENY
        if insert and action == sqlite3.SQLITE_INSERT and arg1 == table:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    raw = connection.connection
    raw.set_authorizer(authorize)
    try:
        yield
    finally:
        raw.set_authorizer(None)


def _postgres(table: str, read_column: str | None, insert: bool) -> Iterator[None]:
    role = f"refusing_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
        if read_column:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = %s AND column_name <> %s",
                [table, read_column],
            )
            columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
            cursor.execute(f'REVOKE SELECT ON "{table}" FROM {role}')
            cursor.execute(f'GRANT SELECT ({columns}) ON "{table}" TO {role}')
        if insert:
            cursor.execute(f'REVOKE INSERT ON "{table}" FROM {role}')
        cursor.execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


@contextmanager
def table_missing(table: str) -> Iterator[None]:
    """While inside, `table` is renamed away: every connection (a live server's too) that reads or
    writes it gets the database's own "no such table" error. Needs `transactional_db`."""
    away = f"{table}_away"
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{away}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{away}" RENAME TO "{table}"')

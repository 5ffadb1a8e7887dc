"""The demo for the test suite: loaded for real once per test process, then copied back.

`manage.py load_demo` imports five articles (cleaning, hashing, sentence analysis) and loads the seed
vocabulary: about a quarter of a second of CPU, and some fifty tests start from it, most of them
browser tests, each after the flush that ended the test before.

The first load in a process that is not inside a transaction (a browser test's: its rows are committed)
runs the command and keeps a copy of every table the load filled, inside the test database itself:
PostgreSQL's schema `demo_copy`, or SQLite tables named `demo_copy__<table>`. No model names them, so
flushes leave them alone. A later load into a database where those tables are empty (a flushed one, or
a test's own transaction before it wrote anything of the demo's) copies the rows back, one
`INSERT … SELECT` a table, then gives the leads group its permissions as the command does (their ids
are not the copy's to keep: a SQLite flush makes them again). The demo analyst may meet other users,
as long as none has the analyst's id or name. Anywhere else, or if the copy is gone, it runs the real
command, so a test always gets the demo as `make run` loads it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

SCHEMA = "demo_copy"
# Rows that point at permissions, whose ids are Django's to make (put back by leads_group()), and the
# passage counts, which the database's triggers keep as the passages are copied back.
NOT_COPIED = frozenset({"auth_group_permissions", "django_migrations", "annotations_passagecount"})
USERS = "auth_user"


@dataclass(frozen=True)
class Copy:
    tables: tuple[str, ...]
    # (id, username) of the users the load made: the demo analyst.
    users: tuple[tuple[int, str], ...]
    # The tables whose integer `id` a PostgreSQL sequence gives (kept ahead of the copied ids).
    sequenced: tuple[str, ...]


_copy: Copy | None = None


def load_demo(stdout=None) -> str:
    """The demo as `make run` loads it, with DEBUG on (the command refuses to run in production):
    "copied" back, or "loaded" by the command. Given `stdout`, always the command, which reports there."""
    global _copy
    if stdout is None and _copy is not None and _copied_back(_copy):
        return "copied"
    if stdout is not None or connection.in_atomic_block or _copy is not None:
        _run(stdout)
        return "loaded"
    # The first load outside a transaction: run the command, and copy what it wrote.
    tables = _tables()
    before = _counts(tables)
    held = _rows([table for table in tables if before[table]])
    _run(stdout)
    _copy = _keep(before, _counts(tables), held)
    return "loaded"


def _run(stdout) -> None:
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=stdout or io.StringIO())


def _tables() -> list[str]:
    return sorted(set(connection.introspection.django_table_names(only_existing=True)) - NOT_COPIED)


def _counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    union = " UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {quote(table)}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(union, tables)
        return dict(cursor.fetchall())


def _copy_name(table: str) -> str:
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        return f"{quote(SCHEMA)}.{quote(table)}"
    return quote(f"{SCHEMA}__{table}")


def _rows(tables: list[str]) -> dict[str, list[tuple]]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")
            found[table] = cursor.fetchall()
        return found


def _keep(before: dict[str, int], after: dict[str, int], held: dict[str, list[tuple]]) -> Copy | None:
    """Copy the tables the load filled. Only if it wrote nothing else: a load that changed rows already
    there (the vocabulary version a migrated database starts with) depends on them, and is not copied."""
    filled = tuple(table for table in before if not before[table] and after[table])
    if not filled or _rows(list(held)) != held:
        return None
    quote = connection.ops.quote_name
    sequenced = []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(SCHEMA)}")
        for table in filled:
            cursor.execute(f"DROP TABLE IF EXISTS {_copy_name(table)}")
            cursor.execute(f"CREATE TABLE {_copy_name(table)} AS SELECT * FROM {quote(table)}")
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id') IS NOT NULL", [quote(table)])
                if cursor.fetchone()[0]:
                    sequenced.append(table)
        users = ()
        if USERS in filled:
            cursor.execute(f"SELECT id, username FROM {quote(USERS)}")
            users = tuple(cursor.fetchall())
    return Copy(tables=filled, users=users, sequenced=tuple(sequenced))


def _copied_back(copy: Copy) -> bool:
    """The copy's rows back in their tables, if they are empty of the demo's (else False, nothing done)."""
    global _copy
    from annotations.permissions import leads_group

    quote = connection.ops.quote_name
    others = [table for table in copy.tables if table != USERS]
    with transaction.atomic(), connection.cursor() as cursor:
        if not _copy_present(cursor, copy):
            _copy = None  # made again at the next load outside a transaction
            return False
        if others and any(_counts(others).values()):
            return False
        if copy.users:
            ids, names = zip(*copy.users, strict=True)
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(USERS)} WHERE id IN ({', '.join(['%s'] * len(ids))})"
                f" OR username IN ({', '.join(['%s'] * len(names))})",
                [*ids, *names],
            )
            if cursor.fetchone()[0]:
                return False
        for table in copy.tables:
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {_copy_name(table)}")
        for table in copy.sequenced:
            # Past the copied ids, never back: after a flush that restarted the sequences they would hand
            # out the copy's ids again.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST("
                f"(SELECT COALESCE(MAX(id), 1) FROM {quote(table)}),"
                " nextval(pg_get_serial_sequence(%s, 'id'))))",
                [quote(table), quote(table)],
            )
        leads_group()
    return True


def _copy_present(cursor, copy: Copy) -> bool:
    """Every table of the copy is still there (a restored backup replaces a SQLite database whole)."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
            [SCHEMA, list(copy.tables)],
        )
    else:
        names = [f"{SCHEMA}__{table}" for table in copy.tables]
        marks = ", ".join(["%s"] * len(names))
        cursor.execute(
            f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ({marks})", names
        )
    return cursor.fetchone()[0] == len(copy.tables)

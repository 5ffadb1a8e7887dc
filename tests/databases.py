"""One migrated test database per run, copied for each test process (pytest-xdist).

Each of `make test`'s four processes used to make its own test database by running every migration:
about 2 s of CPU each, all four at once on two cores at the start of the run. Now the first process to
get here migrates a template (`<test database>_template`) while the others wait on a file lock, and
then each process copies the template under its own name: PostgreSQL's `CREATE DATABASE … TEMPLATE`,
SQLite's backup API. A copy takes a few tens of milliseconds. The template is remade at the start of
every run, so it always has the run's migrations, and dropped at its end by the process that started
the others (`drop_template`).

Without xdist (`TEST_WORKERS=0`), or with `--reuse-db` or `--no-migrations`, conftest.py's
`django_db_setup` keeps pytest-django's own way.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def template_name(test_name: str, worker: str = "") -> str:
    """The template's name, from a process's test database name (which xdist suffixes with `_gwN`)."""
    return f"{test_name.removesuffix(f'_{worker}') if worker else test_name}_template"


def set_up(workspace: Path, worker: str, verbosity: int) -> str:
    """Point the default connection at this process's copy of the run's template, migrating the
    template first if no other process did. Returns the database name to restore at teardown."""
    connection = connections[DEFAULT_DB_ALIAS]
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    own_name = creation._get_test_db_name()
    template = template_name(own_name, worker)
    with open(workspace / "test-database.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        ready = workspace / "test-database.ready"
        if not ready.exists():
            connection.settings_dict["TEST"]["NAME"] = template
            try:
                creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
            finally:
                connection.settings_dict["TEST"]["NAME"] = own_name
            # No connection may stay open on a PostgreSQL template while it is copied.
            connection.close()
            ready.touch()
    _copy(template, own_name)
    settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = own_name
    connection.settings_dict["NAME"] = own_name
    connection.close()
    return old_name


def _copy(template: str, name: str) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
    elif connection.vendor == "sqlite":
        for leftover in (name, f"{name}-wal", f"{name}-shm"):
            if os.path.exists(leftover):
                os.remove(leftover)
        source, target = sqlite3.connect(template), sqlite3.connect(name)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        raise NotImplementedError(f"no template copy for {connection.vendor}")


def tear_down(old_name: str, verbosity: int) -> None:
    connections[DEFAULT_DB_ALIAS].creation.destroy_test_db(old_name, verbosity=verbosity)


def drop_template() -> None:
    """Drop the run's template (in the process that started the test processes, once they are done)."""
    connection = connections[DEFAULT_DB_ALIAS]
    template = template_name(connection.creation._get_test_db_name())
    if connection.vendor == "postgresql":
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")
    elif connection.vendor == "sqlite":
        for leftover in (template, f"{template}-wal", f"{template}-shm", f"{template}.writers"):
            if os.path.exists(leftover):
                os.remove(leftover)

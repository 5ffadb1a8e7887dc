"""Backup and restore of the whole database, as the database itself does it.

PostgreSQL: `pg_dump -Fc` (one compressed file, consistent while the site runs) and `pg_restore --clean`
into the configured database. SQLite: the online backup API (`sqlite3.Connection.backup`), which copies
a consistent snapshot page by page while others keep writing, and copies it back on restore.

The file is the database: every table, history and sessions included. To move a team's work to
another instance whose database already holds other work, use the project bundle (ops/bundle.py).

A restore ends by bumping the vocabulary's version (annotations.models.VocabularyVersion): pg_restore
and SQLite's copy write the tables past the save methods that bump it, and the version restored is
one that running processes (and the shared cache) may already have compiled for another vocabulary.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connections, transaction


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def backup(path: Path, using: str = "default") -> None:
    """Write a backup of the database to `path` (overwritten)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--file", str(path), "--dbname", _dbname(connection)], connection)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        path.unlink(missing_ok=True)
        target = sqlite3.connect(path)
        try:
            with target:
                connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"No backup for a {connection.vendor} database; use its own tools.")


def restore(path: Path, using: str = "default") -> None:
    """Replace the database's contents with the backup at `path`. Stop the site first: the restore
    waits for other connections' locks on PostgreSQL, and on SQLite they would see the swap."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    connection = connections[using]
    if connection.vendor == "postgresql":
        _run(["pg_restore", "--list", str(path)], connection, quiet=True)  # refuse a file that is no dump
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                _dbname(connection),
                str(path),
            ],
            connection,
        )
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "django_migrations" not in tables:
                raise BackupError(f"{path} is not a Marginalia backup (it has no django_migrations table).")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not an SQLite backup: {error}.") from None
        finally:
            source.close()
    else:
        raise BackupError(f"No restore for a {connection.vendor} database; use its own tools.")
    with transaction.atomic(using=using):
        apps.get_model("annotations.VocabularyVersion").bump(using=using)


def _dbname(connection) -> str:
    return connection.settings_dict["NAME"]


def _run(command: list[str], connection, *, quiet: bool = False) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")

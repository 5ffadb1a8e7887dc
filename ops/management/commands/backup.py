"""python manage.py backup PATH: a backup of the whole database (pg_dump -Fc, or SQLite's backup API)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup of the whole database to PATH (PostgreSQL: pg_dump -Fc; SQLite: its backup API)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, path: Path, database: str, **options) -> None:
        try:
            backup(path, database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up the database to {path} ({path.stat().st_size:,} bytes).")

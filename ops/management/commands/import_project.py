"""python manage.py import_project PATH: bring a bundle made by export_project into this instance."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.bundle import BundleError, import_project


class Command(BaseCommand):
    help = "Import a project bundle whole (one transaction); existing users, articles and terms are reused."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            importer = import_project(path)
        except BundleError as error:
            raise CommandError(f"Nothing imported: {error}") from None
        summary = ", ".join(
            f"{importer.created[name]:,} of {len(ids):,} {name.replace('_', ' ')}"
            for name, ids in importer.ids.items()
        )
        self.stdout.write(f"Imported {path}, new rows: {summary}.")
        if importer.created["users"]:
            self.stdout.write("New users have no password: set one with `manage.py changepassword USERNAME`.")

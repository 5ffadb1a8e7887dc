"""Import passages from another Marginalia's export (JSONL or the long CSV), re-anchoring as needed.

    python manage.py import_annotations passages.jsonl [--orphans FILE] [--dry-run]

Passages that cannot be placed are not imported; they are written, with the reason, to FILE.orphans.jsonl
next to the input (or --orphans FILE), which can be imported again once their articles are there.
Exits non-zero when any passage was not imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.importing import UnreadableFile, import_passages, write_orphans


class Command(BaseCommand):
    help = "Import passages from a Marginalia JSONL or long-CSV export; articles by SHA-256, terms by id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="a .jsonl (export --format jsonl) or .csv (export --format csv-long)"
        )
        parser.add_argument("--orphans", metavar="FILE", help="where to write passages not imported")
        parser.add_argument("--dry-run", action="store_true", help="report what would happen; change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            report = import_passages(path, dry_run=options["dry_run"])
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path.name} is not UTF-8 text ({error.reason} at byte {error.start})"
            ) from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(("Dry run, nothing changed: " if options["dry_run"] else "") + report.summary())
        if report.unplaced:
            orphans = Path(options["orphans"] or path.with_name(path.name + ".orphans.jsonl"))
            try:
                write_orphans(report, orphans)
            except OSError as error:
                raise CommandError(
                    f"{len(report.unplaced)} passages were not imported, and {orphans} cannot be written "
                    f"({error.strerror}); use --orphans FILE"
                ) from error
            self.stdout.write(f"{len(report.unplaced)} passages not imported were written to {orphans}")
        if report.not_imported:
            raise CommandError(f"{report.not_imported} passages were not imported (listed above).")

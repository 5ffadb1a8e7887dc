"""Load a vocabulary file: the seed's JSON shape or the flat CSV (format from the extension)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.vocabulary import load_vocabulary


class Command(BaseCommand):
    help = (
        "Load actors and event types from a .json file (the seed's shape) or a .csv file "
        "(kind, id, label, code, parent, aliases, description). Loading twice changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .json or .csv vocabulary file")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        report = load_vocabulary(path)
        self.stdout.write(report.summary())
        for line in report.details():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} entr{'y' if len(report.errors) == 1 else 'ies'} refused"
            )

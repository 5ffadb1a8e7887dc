"""python manage.py import_articles PATH...: files and folders, one line per file that was not imported."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from corpus.importers import import_paths

# Below this many files a progress bar is more noise than help.
PROGRESS_MIN_FILES = 10


class ProgressBar:
    """A one-line bar on a terminal: [#####.....] 120/2000 files."""

    def __init__(self, stream: OutputWrapper, width: int = 30) -> None:
        self.stream, self.width, self.shown = stream, width, -1

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        filled = self.width * done // total
        if filled == self.shown and done != total:
            return
        self.shown = filled
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} files", ending="")
        if done == total:
            self.stream.write("\r" + " " * (self.width + 30) + "\r", ending="")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import articles from .txt, .html, .jsonl and .csv files and folders (a folder's manifest.csv "
        "supplies metadata). Exits non-zero when anything was refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders (recursive).")
        parser.add_argument("--user", help="Username recorded as the importer.")

    def handle(self, *args, paths: list[str], user: str | None = None, verbosity: int = 1, **options) -> None:
        importer = None
        if user:
            try:
                importer = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f'no user named "{user}"') from None
        progress = ProgressBar(self.stderr) if self.stderr.isatty() else None
        report = import_paths(paths, user=importer, progress=progress)

        for result in report.results:
            if result.status == "refused":
                self.stdout.write(self.style.ERROR(f"{result.name}: {result.message}"))
            elif result.status == "duplicate":
                self.stdout.write(f"{result.name}: {result.message}")
            elif verbosity >= 2:
                self.stdout.write(self.style.SUCCESS(f"{result.name}: {result.message}"))
            if verbosity >= 1:
                for warning in result.warnings:
                    where = f"line {result.line}: " if result.line else ""
                    self.stdout.write(self.style.WARNING(f"{result.name}: {where}warning: {warning}"))
        self.stdout.write(report.summary())
        if report.refused:
            raise CommandError(f"{report.refused} refused; see the lines above", returncode=1)

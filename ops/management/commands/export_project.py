"""python manage.py export_project PATH: the team's whole work as one bundle (ops/bundle.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from ops.bundle import export_project


class Command(BaseCommand):
    help = (
        "Write the whole project (articles, vocabulary, passages, claims, notes, sets, assignments, "
        "adjudication, history) to PATH."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        counts = export_project(path)
        summary = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items())
        self.stdout.write(f"Wrote {path}: {summary}.")

"""Write the whole vocabulary, retired and merged terms included, as JSON (seed shape) or CSV."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from annotations.vocabulary import export_vocabulary


class Command(BaseCommand):
    help = "Export the vocabulary as JSON (the seed's shape) or CSV, to stdout or --output FILE."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", help="Write to this file instead of stdout")

    def handle(self, *args, **options) -> None:
        text = export_vocabulary(options["format"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")

"""Export an annotated set (a saved set, filter options, or every passage) as CSV, long CSV, JSONL or W3C;
or a claims set as claims CSV or claims JSONL.

    python manage.py export_annotations --format csv --set "IRGC agents" --output irgc.csv
    python manage.py export_annotations --format jsonl --term irgc --role agent > irgc.jsonl
    python manage.py export_annotations --format claims-csv --speaker irgc --stance opposed --bom
    python manage.py export_annotations --format csv --as alice > alices-view.csv

Independent coding: the operator at the command line exports everything (the whole database is theirs
anyway); `--as USERNAME` exports what that analyst may see in the app, nothing more.

Streams: rows are written as they are read, so memory stays flat however large the set.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from annotations.export import FORMATS, stream
from annotations.filter_options import (
    CLAIM_OPTIONS,
    add_filter_arguments,
    add_viewer_argument,
    filter_params,
    viewer_from,
)
from annotations.filters import InvalidFilter
from annotations.filters_claims import ClaimFilterForm, filter_form_for


class Command(BaseCommand):
    help = (
        "Export passages: csv (a row per passage), csv-long (a row per tag), jsonl, w3c or w3c-jsonl; "
        "or claims: claims-csv (a row per claim) or claims-jsonl."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv", help="default: csv")
        add_filter_arguments(parser, claims=True)
        parser.add_argument(
            "--coding", choices=["adjudicated", "analysts"], help="adjudicated only, or the analysts' own"
        )
        parser.add_argument(
            "--adjudicated",
            dest="coding",
            action="store_const",
            const="adjudicated",
            help="= --coding adjudicated",
        )
        parser.add_argument(
            "--bom", action="store_true", help="UTF-8 byte-order mark first (Excel); CSV only"
        )
        parser.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
        parser.add_argument("--base-url", default=settings.SITE_URL, help="for links (default: SITE_URL)")
        add_viewer_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        # A one-off batch process: move what is already loaded (Django, spaCy) out of the garbage
        # collector's sight, so that its full collections, triggered every few chunks, stay cheap.
        gc.freeze()
        fmt = options["format"]
        claims = FORMATS[fmt].claims
        if not claims:
            given = [f"--{option.replace('_', '-')}" for option in CLAIM_OPTIONS if options.get(option)]
            if given:
                raise CommandError(
                    f"{', '.join(given)} filter claims; export claims with --format claims-csv or "
                    "claims-jsonl."
                )
        viewer = viewer_from(options)
        params, saved = filter_params(options, claims=claims)
        form = filter_form_for(params, user=saved.owner if saved else None)
        try:
            if isinstance(form, ClaimFilterForm):
                spans = form.claims(viewer=viewer)
            else:
                spans = form.spans(viewer=viewer)
        except InvalidFilter as error:
            raise CommandError(f"Bad filter: {error}") from error
        base_url = options["base_url"].rstrip("/")
        query = form.query_string()
        chunks = stream(
            fmt,
            spans,
            viewer=viewer,
            base_url=base_url,
            bom=options["bom"] and FORMATS[fmt].is_csv,
            label=saved.name if saved else f"Marginalia passages: {form.in_words()}",
            collection_id=base_url + reverse("annotations:annotation-list") + (f"?{query}" if query else ""),
        )
        output = options["output"]
        if output and output != "-":
            self.write_file(Path(output), chunks)
            what = "claims" if claims else "passages"
            self.stderr.write(f"Exported {spans.count()} {what} ({fmt}) to {output}.")
        else:
            self.write_stdout(chunks)

    def write_file(self, path: Path, chunks: Iterator[str]) -> None:
        """Write to FILE.part and rename when complete, so a failed export never leaves half a file."""
        partial = path.with_name(path.name + ".part")
        try:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {error.strerror or error}") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def write_stdout(self, chunks: Iterator[str]) -> None:
        # UTF-8 whatever the terminal's locale, and "\r\n" kept as it is: write bytes when we can.
        target = self.stdout._out
        binary = getattr(target, "buffer", None) if target in (sys.stdout, sys.__stdout__) else None
        try:
            for chunk in chunks:
                if binary is not None:
                    binary.write(chunk.encode("utf-8"))
                    binary.flush()
                else:
                    target.write(chunk)
                    target.flush()
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as Unix tools do.
            chunks.close()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's final flush does not fail
            sys.exit(141)

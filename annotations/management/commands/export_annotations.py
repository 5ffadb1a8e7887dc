"""Export an annotated set (a saved set, filter options, or every passage) as CSV, long CSV, JSONL or W3C.

    python manage.py export_annotations --format csv --set "IRGC agents" --output irgc.csv
    python manage.py export_annotations --format jsonl --term irgc --role agent > irgc.jsonl

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
from django.http import QueryDict
from django.urls import reverse

from annotations.export import FORMATS, stream
from annotations.filters import InvalidFilter, SpanFilterForm
from annotations.models import SavedSet

# command option -> filter parameter (annotations/filters.py); term and analyst may repeat.
FILTER_OPTIONS = {
    "article": "article",
    "source": "source",
    "published_from": "published_from",
    "published_to": "published_to",
    "term": "term",
    "role": "role",
    "kind": "kind",
    "analyst": "analyst",
    "created_from": "created_from",
    "created_to": "created_to",
    "q": "q",
    "coding": "coding",
}


def find_saved_set(name: str) -> SavedSet:
    """A saved set by name, or by "owner/name" when several analysts use the same name."""
    matches = list(SavedSet.objects.filter(name=name).select_related("owner"))
    if not matches and "/" in name:
        owner, _, set_name = name.partition("/")
        matches = list(SavedSet.objects.filter(owner__username=owner, name=set_name).select_related("owner"))
    if len(matches) == 1:
        return matches[0]
    if matches:
        owners = ", ".join(sorted(s.owner.username for s in matches))
        raise CommandError(
            f"Several analysts have a saved set called “{name}” ({owners}); "
            f"name one as OWNER/NAME, e.g. --set {matches[0].owner.username}/{name}"
        )
    known = ", ".join(f"“{s}”" for s in SavedSet.objects.values_list("name", flat=True)[:20]) or "none yet"
    raise CommandError(f"There is no saved set called “{name}”. Saved sets: {known}.")


class Command(BaseCommand):
    help = "Export passages: csv (a row per passage), csv-long (a row per tag), jsonl, w3c or w3c-jsonl."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv", help="default: csv")
        parser.add_argument("--set", dest="set_name", metavar="NAME", help="a saved set (or OWNER/NAME)")
        parser.add_argument("--article", metavar="ID")
        parser.add_argument("--source", metavar="NAME", help="source name or id")
        parser.add_argument(
            "--term", action="append", metavar="SLUG", help="includes narrower terms; repeatable"
        )
        parser.add_argument("--role", choices=["source", "agent", "target", "mentioned", "event"])
        parser.add_argument("--kind", choices=["actor", "event"])
        parser.add_argument("--analyst", action="append", metavar="USERNAME", help="repeatable")
        for name in ("published-from", "published-to", "created-from", "created-to"):
            parser.add_argument(f"--{name}", metavar="YYYY-MM-DD")
        parser.add_argument("--q", metavar="TEXT", help="text in the quote or a note")
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

    def handle(self, *args: Any, **options: Any) -> None:
        # A one-off batch process: move what is already loaded (Django, spaCy) out of the garbage
        # collector's sight, so that its full collections, triggered every few chunks, stay cheap.
        gc.freeze()
        fmt = options["format"]
        saved = find_saved_set(options["set_name"]) if options["set_name"] else None
        params = QueryDict(saved.query if saved else "", mutable=True)
        for option, param in FILTER_OPTIONS.items():
            value = options.get(option)
            if value:  # an option on the command line narrows or replaces the saved set's value
                params.setlist(param, value if isinstance(value, list) else [value])
        form = SpanFilterForm(params, user=saved.owner if saved else None)
        try:
            spans = form.spans()
        except InvalidFilter as error:
            raise CommandError(f"Bad filter: {error}") from error
        base_url = options["base_url"].rstrip("/")
        query = form.query_string()
        chunks = stream(
            fmt,
            spans,
            base_url=base_url,
            bom=options["bom"] and fmt.startswith("csv"),
            label=saved.name if saved else f"Marginalia passages: {form.in_words()}",
            collection_id=base_url + reverse("annotations:annotation-list") + (f"?{query}" if query else ""),
        )
        output = options["output"]
        if output and output != "-":
            self.write_file(Path(output), chunks)
            self.stderr.write(f"Exported {spans.count()} passages ({fmt}) to {output}.")
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

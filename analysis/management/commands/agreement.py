"""How far analysts agree on an article, a saved set or an assignment.

    python manage.py agreement --assignment 3
    python manage.py agreement --set "Week 1" --format csv > week1-agreement.csv

The CSV is the one the Agreement screen downloads for a lead, byte for byte. The operator sees every
analyst's coding; `--as USERNAME` computes what that analyst's screen shows (independent coding).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.agreement import agreement
from analysis.output import report_csv, report_json, report_table
from analysis.scope import ScopeError, scope_for
from annotations.filter_options import add_viewer_argument, find_saved_set, viewer_from

FORMATS = {"table": report_table, "csv": report_csv, "json": report_json}


class Command(BaseCommand):
    help = "Agreement between analysts (passages, tags, claim fields) on an article, a set or an assignment."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--set", dest="set_name", metavar="NAME", help="a saved set (or OWNER/NAME)")
        which.add_argument("--article", metavar="ID")
        which.add_argument("--assignment", metavar="ID")
        parser.add_argument("--format", choices=sorted(FORMATS), default="table", help="default: table")
        add_viewer_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = viewer_from(options)
        saved_set = find_saved_set(options["set_name"]) if options["set_name"] else None
        try:
            scope = scope_for(
                article=options["article"],
                saved_set=saved_set,
                assignment=options["assignment"],
                viewer=viewer,
            )
        except ScopeError as error:
            raise CommandError(str(error)) from error
        text = FORMATS[options["format"]](agreement(scope, viewer=viewer))
        # CSV keeps its CRLF record ends, as the download does.
        self.stdout.write(text, ending="")

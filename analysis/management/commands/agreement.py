"""How far analysts agree on an article, a saved set or an assignment.

    python manage.py agreement --assignment 3
    python manage.py agreement --set "Week 1" --format csv > week1-agreement.csv

The CSV is the one the Agreement screen downloads, byte for byte.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.agreement import agreement
from analysis.output import report_csv, report_json, report_table
from analysis.scope import ScopeError, scope_for
from annotations.filter_options import find_saved_set

FORMATS = {"table": report_table, "csv": report_csv, "json": report_json}


class Command(BaseCommand):
    help = "Agreement between analysts (passages, tags, claim fields) on an article, a set or an assignment."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--set", dest="set_name", metavar="NAME", help="a saved set (or OWNER/NAME)")
        which.add_argument("--article", metavar="ID")
        which.add_argument("--assignment", metavar="ID")
        parser.add_argument("--format", choices=sorted(FORMATS), default="table", help="default: table")

    def handle(self, *args: Any, **options: Any) -> None:
        saved_set = find_saved_set(options["set_name"]) if options["set_name"] else None
        try:
            scope = scope_for(
                article=options["article"], saved_set=saved_set, assignment=options["assignment"]
            )
        except ScopeError as error:
            raise CommandError(str(error)) from error
        text = FORMATS[options["format"]](agreement(scope))
        # CSV keeps its CRLF record ends, as the download does.
        self.stdout.write(text, ending="")

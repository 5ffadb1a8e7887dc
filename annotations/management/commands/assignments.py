"""The progress of assignments: one line per assignment and analyst.

python manage.py assignments [--open] [--assignment ID] [--analyst USERNAME]
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.models import AssignedArticle, Status

COLUMNS = ("assignment", "name", "mode", "due", "state", "analyst", "to_do", "in_progress", "done", "total")


class Command(BaseCommand):
    help = "Show the progress of assignments, per analyst."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--open", action="store_true", help="only assignments not closed")
        parser.add_argument("--assignment", metavar="ID", type=int)
        parser.add_argument("--analyst", metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = AssignedArticle.objects.with_counts().select_related("assignment", "analyst")
        if options["open"]:
            tasks = tasks.filter(assignment__closed_at__isnull=True)
        if options["assignment"] is not None:
            tasks = tasks.filter(assignment_id=options["assignment"])
        if options["analyst"]:
            tasks = tasks.filter(analyst__username=options["analyst"])
        progress: dict[tuple, Counter] = {}
        for task in tasks.order_by("assignment_id", "analyst__username"):
            assignment = task.assignment
            key = (
                assignment.pk,
                assignment.name or "—",
                "independent" if assignment.independent else "shared",
                assignment.due.isoformat() if assignment.due else "—",
                "closed" if assignment.is_closed else "open",
                task.analyst.get_username(),
            )
            progress.setdefault(key, Counter())[task.effective_status] += 1
        if not progress and (options["assignment"] is not None or options["analyst"]):
            raise CommandError("No assignment matches.")
        rows = [list(COLUMNS)]
        for key, counts in progress.items():
            statuses = [counts[Status.TODO], counts[Status.IN_PROGRESS], counts[Status.DONE]]
            rows.append([str(cell) for cell in (*key, *statuses, sum(statuses))])
        widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

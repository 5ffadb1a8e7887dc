"""An import's report as a page shows it: a long one is cut to the lines that need reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template

register = template.Library()

# A report longer than this shows every line that needs the analyst (refused, duplicate, with a
# warning) and imported ones up to this many lines in all; the rest is one link away. 1,000 lines
# made the job page 445 KB and 60-200 ms of rendering, before the analyst saw their articles listed.
LINES_SHOWN = 100


@dataclass(frozen=True)
class ReportLines:
    lines: list
    hidden: int  # plain "imported" lines left out

    @property
    def total(self) -> int:
        return len(self.lines) + self.hidden


def _field(line, name: str):
    return line[name] if isinstance(line, dict) else getattr(line, name)


def _needs_reading(line) -> bool:
    return _field(line, "status") != "imported" or bool(_field(line, "warnings"))


@register.filter
def report_lines(results: Sequence, show_all: bool = False) -> ReportLines:
    """The lines to show, in the report's order (`results`: FileResults or a job's stored dicts)."""
    if show_all or len(results) <= LINES_SHOWN:
        return ReportLines(list(results), 0)
    needed = [_needs_reading(line) for line in results]
    room = max(LINES_SHOWN - sum(needed), 0)
    lines = []
    for line, needs_reading in zip(results, needed, strict=True):
        if needs_reading:
            lines.append(line)
        elif room:
            lines.append(line)
            room -= 1
    return ReportLines(lines, len(results) - len(lines))

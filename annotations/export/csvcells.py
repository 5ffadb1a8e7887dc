"""CSV cells and records, written out by hand, and the defusing of spreadsheet formulas.

CSV rules (documented for analysts in the README; the cells' contents are in `records`):
- RFC 4180: comma-separated, fields quoted only when needed, "" inside quotes, CRLF between records;
  newlines inside a note or a quote stay inside their quoted cell. UTF-8; `bom=True` adds a byte-order
  mark so that Excel reads UTF-8.
- A text cell beginning with =, +, -, @, a tab or a carriage return gets a leading apostrophe so that no
  spreadsheet runs it as a formula (OWASP "CSV injection"): a quote "-5 dead" reads "'-5 dead"; a text
  that already began with apostrophes before such a character gets one more, so unneutralise() is exact.
  Numbers, dates and links are never altered. Every CSV the app writes (passages, vocabulary, claims,
  agreement) writes its text cells through neutralise() and csv_record()/csv_cell().
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def neutralise(value: str) -> str:
    """Defuse a spreadsheet formula: a leading apostrophe before =, +, -, @, tab or carriage return.
    A text that already begins with apostrophes before such a character gets one more, so that
    unneutralise() gives back exactly what was written, whatever it was (the vocabulary CSV round trip)."""
    if not value:
        return value
    first = value[0]
    if first in FORMULA_TRIGGERS:
        return "'" + value
    if first == "'":
        rest = value.lstrip("'")
        if rest and rest[0] in FORMULA_TRIGGERS:
            return "'" + value
    return value


def csv_cell(value: str) -> str:
    """One cell as csv.writer writes it with QUOTE_MINIMAL: in double quotes when it holds a comma, a
    double quote or a line break, its double quotes doubled. Written out by hand because the csv module
    took 12 µs a row, most of the export's time (tests check the output is the csv module's, byte for byte).
    """
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return f'"{value}"'
    return value


def csv_record(cells: Iterable[Any]) -> str:
    """A CSV record (CRLF-terminated) of any cells; None is empty, numbers are written as str() does."""
    return (
        ",".join(
            csv_cell(cell if isinstance(cell, str) else "" if cell is None else str(cell)) for cell in cells
        )
        + "\r\n"
    )


def unneutralise(value: str) -> str:
    """What neutralise() was given (for reading our own CSV back): one apostrophe less before apostrophes
    and a formula character."""
    if value[:1] == "'":
        rest = value.lstrip("'")
        if rest and rest[0] in FORMULA_TRIGGERS:
            return value[1:]
    return value

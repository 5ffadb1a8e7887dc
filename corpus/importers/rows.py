"""JSONL and CSV files: one article per line or row."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.conf import settings

from corpus.importers.drafts import Refusal


def _csv_reader(text: str) -> csv.DictReader:
    """A CSV reader for commas, or semicolons or tabs (spreadsheets save those in some locales),
    as the header line shows; fields as long as a whole file may be."""
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count) if header.count(",") == 0 else ","
    csv.field_size_limit(max(csv.field_size_limit(), settings.MARGINALIA_MAX_IMPORT_BYTES))
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict | Refusal]]:
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield number, Refusal(f"not JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(row, dict):
            yield number, Refusal(f"not a JSON object but {type(row).__name__}")
            continue
        yield number, {str(k).strip().lower(): v for k, v in row.items()}


def _csv_rows(text: str) -> Iterator[tuple[int, dict | Refusal]]:
    reader = _csv_reader(text)
    columns = _columns(reader.fieldnames)
    if "text" not in columns:
        raise Refusal(f'no "text" column (columns: {", ".join(columns) or "none"})')
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, Refusal(f"not readable as CSV: {exc}")
            return
        if None in row:
            yield line, Refusal(f"more cells than the {len(columns)} columns")
        else:
            yield line, {columns[k]: v for k, v in row.items() if k in columns}
        line = reader.line_num + 1


def _columns(fieldnames: Iterable[str] | None) -> dict[str, str]:
    """Header as written -> lower-case name."""
    return {name: name.strip().lower() for name in (fieldnames or []) if name is not None}


def _text_of(row: dict) -> str:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Refusal("no text")
    return text

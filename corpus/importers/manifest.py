"""manifest.csv: metadata for the other files of a folder or an upload, one row per file."""

from __future__ import annotations

from pathlib import Path

from corpus.importers.decoding import _basename, _check_size, _decode
from corpus.importers.drafts import Refusal
from corpus.importers.report import FileResult
from corpus.importers.rows import _columns, _csv_reader

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "title", "standfirst", "source", "authors", "published", "url")


def _load_manifest(folder: Path, shown_folder: Path) -> tuple[dict[str, dict[str, str]], FileResult | None]:
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}, None
    try:
        _check_size(path.stat().st_size)
        return _parse_manifest(_decode(path.read_bytes())[0]), None
    except Refusal as refusal:
        return {}, FileResult(str(shown_folder / MANIFEST_NAME), "refused", str(refusal))


def _parse_manifest(text: str) -> dict[str, dict[str, str]]:
    reader = _csv_reader(text)
    columns = _columns(reader.fieldnames)
    if "file" not in columns:
        raise Refusal(f'manifest without a "file" column (columns: {", ".join(columns) or "none"})')
    rows = {}
    for row in reader:
        values = {columns[k]: (v or "").strip() for k, v in row.items() if k in columns and k is not None}
        if values.get("file"):
            rows[_basename(values["file"])] = values
    return rows

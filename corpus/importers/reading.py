"""Reading files into drafts: folders walked, each file checked, decoded and read by its type."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from corpus.importers.decoding import _basename, _check_extension, _check_size, _decode
from corpus.importers.drafts import Draft, Refusal, _set_metadata
from corpus.importers.html import _read_html
from corpus.importers.manifest import MANIFEST_NAME
from corpus.importers.report import FileResult
from corpus.importers.rows import _csv_rows, _jsonl_rows, _text_of


def _walk(paths: Iterable[Path | str]) -> Iterator[tuple[Path | None, str]]:
    """(path, name shown in the report) of every file to import, folders expanded in sorted order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts) or not child.is_file():
                    continue
                if child.name != MANIFEST_NAME:
                    yield child, str(child)
        elif path.is_file():
            if path.name != MANIFEST_NAME:
                yield path, str(given)
        else:
            yield None, str(given)


def _read_path(path: Path, shown: str, manifest_row: dict[str, str] | None) -> Iterator[Draft | FileResult]:
    try:
        _check_extension(path.name)
        _check_size(path.stat().st_size)
        data = path.read_bytes()
    except Refusal as refusal:
        yield FileResult(shown, "refused", str(refusal))
        return
    except OSError as exc:
        yield FileResult(shown, "refused", f"cannot be read: {exc.strerror or exc}")
        return
    yield from _read_bytes(data, shown, path.name, manifest_row)


def _read_upload(upload: UploadedFile) -> bytes:
    _check_extension(_basename(upload.name))
    _check_size(upload.size or 0)
    data = b"".join(upload.chunks())
    _check_size(len(data))
    return data


def _read_bytes(
    data: bytes, shown: str, filename: str, manifest_row: dict[str, str] | None
) -> Iterator[Draft | FileResult]:
    """The drafts in one file's bytes, or the refusal of the whole file."""
    try:
        kind = _check_extension(filename)
        _check_size(len(data))
        text, warnings = _decode(data)
    except Refusal as refusal:
        yield FileResult(shown, "refused", str(refusal))
        return
    if kind in ("text", "html"):
        try:
            draft = _read_html(text, shown) if kind == "html" else Draft(name=shown, text=text)
            draft.filename, draft.warnings = filename, warnings + draft.warnings
            _set_metadata(draft, manifest_row or {})
        except Refusal as refusal:
            yield FileResult(shown, "refused", str(refusal), warnings=warnings)
            return
        yield draft
        return
    rows = _jsonl_rows(text) if kind == "jsonl" else _csv_rows(text)
    try:
        for line, row in rows:
            try:
                if isinstance(row, Refusal):
                    raise row
                text = _text_of(row)
                draft = Draft(name=shown, filename=filename, line=line, text=text, warnings=[*warnings])
                _set_metadata(draft, row)
            except Refusal as refusal:
                yield FileResult(shown, "refused", f"line {line}: {refusal}", line=line)
                continue
            yield draft
    except Refusal as refusal:  # the whole file (a CSV without a text column)
        yield FileResult(shown, "refused", str(refusal), warnings=warnings)

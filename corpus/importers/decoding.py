"""Checks on a file before it is read (type, size) and its decoding into text."""

from __future__ import annotations

import os

from django.conf import settings

from corpus.importers.drafts import Refusal

TEXT_EXTENSIONS = {".txt": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".csv": "csv"}


def kind_of(filename: str) -> str | None:
    """The kind of file its extension says ("text", "html", "jsonl", "csv"), or None if not one we read."""
    return TEXT_EXTENSIONS.get(os.path.splitext(filename)[1].lower())


def _check_extension(filename: str) -> str:
    kind = kind_of(filename)
    if kind is None:
        extension = os.path.splitext(filename)[1].lower()
        shown = f'"{extension}"' if extension else "no extension"
        raise Refusal(f"unknown file type ({shown}): import .txt, .html, .jsonl or .csv files")
    return kind


def _check_size(size: int) -> None:
    limit = settings.MARGINALIA_MAX_IMPORT_BYTES
    if size > limit:
        raise Refusal(f"too large: {_bytes(size)}, over the import limit of {_bytes(limit)}")


def _bytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB ({size:,} bytes)"
    if size >= 1024:
        return f"{size / 1024:.1f} KB ({size:,} bytes)"
    return f"{size:,} bytes"


def _decode(data: bytes) -> tuple[str, list[str]]:
    """Text from UTF-8 (with or without BOM) or, with a warning, Windows-1252."""
    if not data.strip():
        raise Refusal("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Refusal("UTF-16 text is not supported: save the file as UTF-8")
    sample = data[:8192]
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f") + sample.count(b"\x7f")
    if b"\x00" in sample or controls > len(sample) * 0.05:
        raise Refusal("binary file, not text")
    try:
        text, warnings = data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Refusal("does not decode as UTF-8 or Windows-1252") from None
        warnings = ["not UTF-8: read as Windows-1252; check the accented letters and quotes"]
    if not text.strip():
        raise Refusal("empty file")
    return text, warnings


def _basename(name: str) -> str:
    return os.path.basename(name.replace("\\", "/"))

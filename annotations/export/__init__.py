"""Exporting an annotated set: CSV (a row per passage), long CSV (a row per tag), JSONL, W3C Web Annotation;
and a claims set: claims CSV and claims JSONL (a row / line per claim).

`stream(fmt, records, base_url=...)` yields text chunks (records: live spans for the passage formats, live
claims for the claims formats); the web download wraps it in a StreamingHttpResponse and
`manage.py export_annotations` writes it to a file or stdout.

- `reading`: the set's passages, a chunk at a time, with their articles, tags, notes (and claims);
- `records`: one passage in each form (wide CSV record, long CSV rows, JSONL record, W3C annotation);
- `claim_reading`, `claim_records`: the same for claims;
- `csvcells`: CSV cells and records, and the defusing of spreadsheet formulas;
- here: the formats, the file name, and the streams that wrap the records into a whole file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import slugify

from annotations.export.claim_reading import ClaimInfo, read_claims
from annotations.export.claim_records import (
    CLAIM_CSV_COLUMNS,
    CLAIMS_JSONL_FORMAT,
    ClaimCsv,
    claim_dict,
    claims_jsonl_record,
)
from annotations.export.csvcells import FORMULA_TRIGGERS, csv_cell, csv_record, neutralise, unneutralise
from annotations.export.reading import (
    CHUNK_SIZE,
    ArticleInfo,
    Passage,
    TermInfo,
    ensure_sentence_starts,
    iso_from_db,
    passages,
    read_ahead,
)
from annotations.export.records import (
    CSV_COLUMNS,
    JSONL_FORMAT,
    LONG_CSV_COLUMNS,
    ROLE_COLUMNS,
    TERM_COLUMNS,
    W3C_CONTEXT,
    analyst_agent,
    csv_line,
    csv_term_cells,
    jsonl_record,
    long_csv_rows,
    note_line,
    term_cells,
    w3c_annotation,
)
from annotations.models import Claim, Span
from annotations.models.visibility import Sight

__all__ = [
    "CHUNK_SIZE",
    "CLAIMS_JSONL_FORMAT",
    "CLAIM_CSV_COLUMNS",
    "CSV_COLUMNS",
    "FORMATS",
    "FORMULA_TRIGGERS",
    "JSONL_FORMAT",
    "LONG_CSV_COLUMNS",
    "ROLE_COLUMNS",
    "TERM_COLUMNS",
    "W3C_CONTENT_TYPE",
    "W3C_CONTEXT",
    "ArticleInfo",
    "ClaimInfo",
    "ExportFormat",
    "Passage",
    "TermInfo",
    "analyst_agent",
    "claim_dict",
    "claims_jsonl_record",
    "csv_cell",
    "csv_line",
    "csv_record",
    "csv_term_cells",
    "ensure_sentence_starts",
    "export_filename",
    "iso_from_db",
    "jsonl_record",
    "long_csv_rows",
    "neutralise",
    "note_line",
    "passages",
    "read_claims",
    "read_ahead",
    "stream",
    "term_cells",
    "unneutralise",
    "w3c_annotation",
]

W3C_CONTENT_TYPE = f'application/ld+json; profile="{W3C_CONTEXT}"'


@dataclass(frozen=True)
class ExportFormat:
    content_type: str
    extension: str
    label: str
    # Goes into the file name so that the forms of one set on one day do not overwrite each other.
    name_suffix: str = ""
    # A claims format: exports claims (a ClaimFilterForm's set), not passages.
    claims: bool = False

    @property
    def is_csv(self) -> bool:
        return self.extension == "csv"


CSV_TYPE = "text/csv; charset=utf-8"
JSONL_TYPE = "application/jsonl; charset=utf-8"
FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat(CSV_TYPE, "csv", "CSV, one row per passage"),
    "csv-long": ExportFormat(CSV_TYPE, "csv", "CSV, one row per tag", "-long"),
    "jsonl": ExportFormat(JSONL_TYPE, "jsonl", "JSON Lines"),
    "w3c": ExportFormat(W3C_CONTENT_TYPE, "jsonld", "W3C Web Annotation (JSON-LD collection)", "-w3c"),
    "w3c-jsonl": ExportFormat(W3C_CONTENT_TYPE, "jsonl", "W3C Web Annotation (JSON Lines)", "-w3c"),
    "claims-csv": ExportFormat(CSV_TYPE, "csv", "Claims CSV, one row per claim", "-claims", claims=True),
    "claims-jsonl": ExportFormat(JSONL_TYPE, "jsonl", "Claims JSON Lines", "-claims", claims=True),
}


def export_filename(fmt: str, set_name: str | None, today: date, *, bom: bool = False) -> str:
    """`marginalia-<set or all>-<date>[-long|-w3c|-claims][-excel].<ext>`: every form of one set on one
    day has its own name (marginalia-irgc-agents-2026-11-22-claims-excel.csv), so that downloading the
    CSV and the CSV for Excel keeps both."""
    export_format = FORMATS[fmt]
    name = slugify(set_name or "") or "all"
    excel = "-excel" if bom and export_format.is_csv else ""
    return (
        f"marginalia-{name}-{today.isoformat()}{export_format.name_suffix}{excel}.{export_format.extension}"
    )


def _csv_stream(
    chunks: Iterable[list[Any]],
    header: Iterable[str],
    lines: Callable[[list[Any]], Iterable[str]],
    bom: bool,
) -> Iterator[str]:
    yield ("\ufeff" if bom else "") + csv_record(header)
    for chunk in chunks:
        yield "".join(lines(chunk))


def _json_lines(chunks: Iterable[list[Any]], record: Callable[[Any], dict]) -> Iterator[str]:
    for chunk in chunks:
        yield "".join(json.dumps(record(p), ensure_ascii=False) + "\n" for p in chunk)


def _w3c_collection(
    spans: QuerySet[Span], chunks: Iterable[list[Passage]], base_url: str, label: str, collection_id: str
) -> Iterator[str]:
    """An AnnotationCollection with its one embedded AnnotationPage, streamed item by item."""
    head = {
        "@context": W3C_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": spans.count(),
        "first": {"id": f"{collection_id}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": []},
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    cut = opening.rindex("[]")
    yield opening[: cut + 1] + "\n"
    separator = ""
    for chunk in chunks:
        parts = []
        for passage in chunk:
            parts.append(separator + json.dumps(w3c_annotation(passage, base_url), ensure_ascii=False))
            separator = ",\n"
        yield "".join(parts)
    yield "\n" + opening[cut + 1 :] + "\n"


def stream(
    fmt: str,
    spans: QuerySet[Span] | QuerySet[Claim],
    *,
    base_url: str,
    viewer: Any = None,
    bom: bool = False,
    label: str | None = None,
    collection_id: str | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[str]:
    """The export of `spans` (live spans, already filtered; for the claims formats, live claims) as text
    chunks, generated lazily.

    viewer: whose export it is, under independent coding. The records are already narrowed to what they
    may see (SpanFilterForm.spans(viewer=…)); the notes and claims read with them are narrowed here
    (visibility.Sight). None: everything (the operator's).

    base_url: scheme and host of this instance ("https://marginalia.example.org"), for absolute links.
    bom: a UTF-8 byte-order mark first (CSV forms only; JSON never carries one).
    label, collection_id: the W3C collection's label and IRI (default "Marginalia passages", the
    Annotations screen).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format “{fmt}”; use one of {', '.join(FORMATS)}.")
    base_url = base_url.rstrip("/")
    sight = Sight(viewer) if viewer is not None else None
    if FORMATS[fmt].claims:
        claims = read_claims(spans, base_url=base_url, chunk_size=chunk_size, sight=sight)
        if fmt == "claims-jsonl":
            return _json_lines(claims, claims_jsonl_record)
        writer = ClaimCsv()
        return _csv_stream(claims, CLAIM_CSV_COLUMNS, lambda chunk: map(writer.line, chunk), bom)
    with_claims = fmt in ("jsonl", "w3c", "w3c-jsonl")
    chunks = passages(spans, base_url=base_url, chunk_size=chunk_size, with_claims=with_claims, sight=sight)
    if fmt == "csv":
        return _csv_stream(chunks, CSV_COLUMNS, lambda chunk: map(csv_line, chunk), bom)
    if fmt == "csv-long":
        return _csv_stream(
            chunks,
            LONG_CSV_COLUMNS,
            lambda chunk: (csv_record(row) for p in chunk for row in long_csv_rows(p)),
            bom,
        )
    if fmt == "jsonl":
        return _json_lines(chunks, jsonl_record)
    if fmt == "w3c-jsonl":
        return _json_lines(chunks, lambda p: w3c_annotation(p, base_url))
    return _w3c_collection(
        spans,
        chunks,
        base_url,
        label or "Marginalia passages",
        collection_id or base_url + reverse("annotations:annotation-list"),
    )

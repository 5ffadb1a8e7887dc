"""The one importer: files and folders from the command line, uploads and pasted text from the browser.

Each input becomes one or more drafts (one per article), or a refusal that names the file, the line
and the reason. Drafts are cleaned (corpus.cleaning), checked for duplicates by the SHA-256 of the
cleaned body, analysed by the shared spaCy pipeline in batches, and saved one transaction per article,
so a bad file or line never stops the others and nothing is half-imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction

from corpus import nlp
from corpus.cleaning import clean_article, normalise, parse_published, split_authors, title_line
from corpus.models import Article, Source

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "title", "standfirst", "source", "authors", "published", "url")
TEXT_EXTENSIONS = {".txt": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".csv": "csv"}
# Articles analysed and saved together: big enough for spaCy's batching, small enough that
# memory does not grow with the number of files.
CHUNK_SIZE = 64
# A first line longer than this is a paragraph, not a title: it stays in the body.
TITLE_MAX_LINE = 200
HTML_MIN_WORDS = 12
URL_MAX_LENGTH = Article._meta.get_field("url").max_length

Status = Literal["imported", "duplicate", "refused"]
Progress = Callable[[int, int], None]


@dataclass
class FileResult:
    name: str
    status: Status
    message: str
    article_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)

    def _count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def imported(self) -> int:
        return self._count("imported")

    @property
    def duplicates(self) -> int:
        return self._count("duplicate")

    @property
    def refused(self) -> int:
        return self._count("refused")

    def summary(self) -> str:
        return f"imported {self.imported}, duplicates {self.duplicates}, refused {self.refused}"


class Refusal(Exception):
    """A file or line that cannot be imported; the message says why."""


@dataclass
class Draft:
    """One article as read from its file, before cleaning."""

    name: str
    text: str
    filename: str = ""
    line: int | None = None
    title: str = ""
    standfirst: str = ""
    source: str = ""
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None
    url: str = ""
    language: str = "en"
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    """A cleaned draft waiting for its batch to be analysed and saved."""

    result: FileResult
    fields: dict
    sha256: str


# --- public interface -------------------------------------------------------------------------------


def import_paths(paths: Iterable[Path | str], user=None, progress: Progress | None = None) -> ImportReport:
    """Import files and folders (recursively); a folder's manifest.csv supplies its files' metadata."""
    files = list(_walk(paths))
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    report = ImportReport()

    def inputs() -> Iterator[Draft | FileResult]:
        for done, (path, shown) in enumerate(files, start=1):
            if path is None:
                yield FileResult(shown, "refused", "no such file or folder")
            else:
                folder = path.parent
                if folder not in manifests:
                    manifests[folder], problem = _load_manifest(folder, shown_folder=Path(shown).parent)
                    if problem:
                        yield problem
                yield from _read_path(path, shown, manifests[folder].get(path.name))
            if progress:
                progress(done, len(files))

    _run(inputs(), report, user)
    return report


def import_uploads(files: Iterable[UploadedFile], user=None) -> ImportReport:
    """Import files uploaded in the browser; an uploaded manifest.csv supplies the others' metadata."""
    uploads = list(files)
    manifest: dict[str, dict[str, str]] = {}
    report = ImportReport()
    for upload in uploads:
        if _basename(upload.name) == MANIFEST_NAME:
            try:
                manifest = _parse_manifest(_decode(_read_upload(upload))[0])
            except Refusal as refusal:
                report.results.append(FileResult(_basename(upload.name), "refused", str(refusal)))

    def inputs() -> Iterator[Draft | FileResult]:
        for upload in uploads:
            name = _basename(upload.name)
            if name == MANIFEST_NAME:
                continue
            try:
                data = _read_upload(upload)
            except Refusal as refusal:
                yield FileResult(name, "refused", str(refusal))
                continue
            yield from _read_bytes(data, name, name, manifest.get(name))

    _run(inputs(), report, user)
    return report


def import_text(
    *,
    title: str,
    text: str,
    user=None,
    source: str = "",
    authors: str | list[str] = "",
    published: dt.date | str | None = None,
    url: str = "",
) -> ImportReport:
    """Import pasted text under the given title."""
    report = ImportReport()
    name = "pasted text"
    draft = Draft(name=name, text=text)
    try:
        _set_metadata(
            draft, {"title": title, "source": source, "authors": authors, "published": published, "url": url}
        )
        if not text.strip():
            raise Refusal("no text to import")
        if not draft.title:
            raise Refusal("a title is needed for pasted text")
    except Refusal as refusal:
        report.results.append(FileResult(name, "refused", str(refusal)))
        return report
    _run([draft], report, user)
    return report


# --- reading ----------------------------------------------------------------------------------------


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


def _load_manifest(folder: Path, shown_folder: Path) -> tuple[dict[str, dict[str, str]], FileResult | None]:
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}, None
    try:
        _check_size(path.stat().st_size)
        return _parse_manifest(_decode(path.read_bytes())[0]), None
    except Refusal as refusal:
        return {}, FileResult(str(shown_folder / MANIFEST_NAME), "refused", str(refusal))


def _csv_reader(text: str) -> csv.DictReader:
    """A CSV reader for commas, or semicolons or tabs (spreadsheets save those in some locales),
    as the header line shows; fields as long as a whole file may be."""
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count) if header.count(",") == 0 else ","
    csv.field_size_limit(max(csv.field_size_limit(), settings.MARGINALIA_MAX_IMPORT_BYTES))
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


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


def _check_extension(filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()
    if extension not in TEXT_EXTENSIONS:
        shown = f'"{extension}"' if extension else "no extension"
        raise Refusal(f"unknown file type ({shown}): import .txt, .html, .jsonl or .csv files")
    return TEXT_EXTENSIONS[extension]


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


def _read_html(text: str, name: str) -> Draft:
    import trafilatura

    document = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False, include_images=False
    )
    # With no main text trafilatura falls back to whatever the page holds ("Home | World"):
    # a handful of words is navigation, not an article.
    words = len((document.text or "").split()) if document is not None else 0
    if words < HTML_MIN_WORDS:
        raise Refusal(f"no article text found in the HTML page ({words} words outside the page furniture)")
    draft = Draft(name=name, text=document.text)
    found = {
        "title": document.title,
        "authors": document.author,
        "source": document.sitename,
        "published": document.date,
        "url": document.url,
        "language": document.language,
    }
    _set_metadata(draft, {k: v for k, v in found.items() if v})
    return draft


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


def _set_metadata(draft: Draft, values: dict) -> None:
    """Metadata from a manifest row, a JSONL/CSV row or the HTML; empty values change nothing."""
    for key in ("title", "standfirst", "source"):
        value = values.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            setattr(draft, key, _one_line(str(value)))
    if values.get("authors"):
        draft.authors = [_one_line(name) for name in split_authors(values["authors"])]
    language = values.get("language")
    if isinstance(language, str) and language.strip():
        draft.language = language.strip()[:16]
    published = values.get("published")
    if published:
        parsed = parse_published(published)
        if parsed is None:
            draft.warnings.append(f'published "{published}" is not a date I can read; left empty')
        else:
            draft.published = parsed
    url = values.get("url")
    if isinstance(url, str) and url.strip():
        url = url.strip()
        if len(url) > URL_MAX_LENGTH:
            draft.warnings.append(f"url longer than {URL_MAX_LENGTH} characters; left empty")
            return
        try:
            URLValidator(schemes=["http", "https"])(url)
            draft.url = url
        except ValidationError:
            draft.warnings.append(f'url "{url}" is not a web address; left empty')


def _one_line(value: str) -> str:
    """A metadata value as one NFC line, like the body it describes."""
    return unicodedata.normalize("NFC", " ".join(value.split()))


# --- cleaning, duplicates, saving -----------------------------------------------------------------


def _prepare(draft: Draft) -> _Pending | FileResult:
    result = FileResult(draft.name, "imported", "", line=draft.line, warnings=draft.warnings)
    title = draft.title
    keep_first_line = False
    if not title:
        title = title_line(draft.text)
        if len(title) > TITLE_MAX_LINE:
            # An untitled text opening with a paragraph: title from its first words, paragraph kept.
            keep_first_line = True
            title = title[:100].rsplit(" ", 1)[0] + "…"
    cleaned = clean_article(
        draft.text,
        title="" if keep_first_line else title,
        standfirst=draft.standfirst,
        source=draft.source,
        authors=draft.authors,
    )
    body = cleaned.body
    if not body and title and not draft.title:
        body = normalise(title)  # a one-line text: the line is both title and body
    if not body:
        result.status, result.message = "refused", _where(draft, "no article text left after the title")
        return result
    fields = {
        "title": title[:500],
        "standfirst": normalise(draft.standfirst),
        "authors": "; ".join(draft.authors)[:500],
        "published": draft.published or cleaned.dateline,
        "url": draft.url,
        "language": draft.language,
        "body": body,
        "original_filename": draft.filename[:500],
        "source": draft.source[:200],
    }
    return _Pending(result=result, fields=fields, sha256=Article.hash_body(body))


def _where(draft: Draft, message: str) -> str:
    return f"line {draft.line}: {message}" if draft.line else message


def _run(inputs: Iterable[Draft | FileResult], report: ImportReport, user) -> None:
    sources: dict[str, Source] = {}
    seen: dict[str, int] = {}
    pending: list[_Pending] = []
    for item in inputs:
        if isinstance(item, FileResult):
            report.results.append(item)
            continue
        prepared = _prepare(item)
        if isinstance(prepared, FileResult):
            report.results.append(prepared)
            continue
        report.results.append(prepared.result)
        pending.append(prepared)
        if len(pending) >= CHUNK_SIZE:
            _save_chunk(pending, user, sources, seen)
            pending = []
    if pending:
        _save_chunk(pending, user, sources, seen)


def _save_chunk(pending: list[_Pending], user, sources: dict[str, Source], seen: dict[str, int]) -> None:
    """Skip duplicates (of stored articles and within this import), analyse the rest in one
    spaCy batch, save each in its own transaction. `seen` maps bodies saved by this import to ids."""
    known = dict(Article.objects.filter(sha256__in=[p.sha256 for p in pending]).values_list("sha256", "pk"))
    known.update(seen)
    fresh: list[_Pending] = []
    copies: list[_Pending] = []
    claimed: set[str] = set()
    for item in pending:
        if item.sha256 in known:
            _mark_duplicate(item, known[item.sha256])
        elif item.sha256 in claimed:
            copies.append(item)
        else:
            claimed.add(item.sha256)
            fresh.append(item)
    analyses = nlp.analyse([item.fields["body"] for item in fresh], batch_size=CHUNK_SIZE)
    for item, (word_count, sentence_starts) in zip(fresh, analyses, strict=True):
        article_id = _save(item, word_count, sentence_starts, user, sources)
        if article_id:
            seen[item.sha256] = article_id
    for item in copies:
        if item.sha256 in seen:
            _mark_duplicate(item, seen[item.sha256])
        else:
            item.result.status = "refused"
            item.result.message = "same text as an article above that could not be saved"


def _mark_duplicate(item: _Pending, article_id: int) -> None:
    item.result.status = "duplicate"
    item.result.article_id = article_id
    where = f"line {item.result.line}: " if item.result.line else ""
    item.result.message = f"{where}skipped: duplicate of article {article_id}"


def _save(
    item: _Pending, word_count: int, sentence_starts: list[int], user, sources, retry: bool = True
) -> int | None:
    fields = dict(item.fields)
    source_name = fields.pop("source")
    try:
        with transaction.atomic():
            source = _source(source_name, fields["url"], sources) if source_name else None
            article = Article.objects.create(
                **fields,
                source=source,
                sha256=item.sha256,
                word_count=word_count,
                sentence_starts=sentence_starts,
                imported_by=user,
            )
    except IntegrityError:
        # Another import saved the same body (or created the same source) since we looked.
        existing = Article.objects.filter(sha256=item.sha256).values_list("pk", flat=True).first()
        if existing:
            _mark_duplicate(item, existing)
            return None
        if retry:
            return _save(item, word_count, sentence_starts, user, sources, retry=False)
        item.result.status, item.result.message = "refused", "could not be saved (database constraint)"
        return None
    except DatabaseError as exc:
        logger.exception("import of %s failed", item.result.name)
        item.result.status, item.result.message = "refused", f"could not be saved: {exc}"
        return None
    if source is not None:
        sources[source_name.casefold()] = source
    item.result.article_id = article.pk
    where = f"line {item.result.line}: " if item.result.line else ""
    item.result.message = f"{where}imported as article {article.pk}: {article.title}"
    return article.pk


def _source(name: str, url: str, cache: dict[str, Source]) -> Source:
    """The source of that name (any letter case), created on first sight."""
    if name.casefold() in cache:
        return cache[name.casefold()]
    source = Source.objects.filter(name__iexact=name).first()
    if source is None:
        home_page = ""
        if url:
            scheme, _, rest = url.partition("://")
            home_page = f"{scheme}://{rest.split('/', 1)[0]}/"
        source = Source.objects.create(name=name, home_page=home_page)
    return source


def _basename(name: str) -> str:
    return os.path.basename(name.replace("\\", "/"))

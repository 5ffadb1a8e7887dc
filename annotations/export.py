"""Exporting an annotated set: CSV (a row per passage), long CSV (a row per tag), JSONL, W3C Web Annotation.

`stream(fmt, spans, base_url=...)` yields text chunks; the web download wraps it in a StreamingHttpResponse
and `manage.py export_annotations` writes it to a file or stdout. Memory stays flat whatever the size of
the set: spans are read in chunks of CHUNK_SIZE as plain value rows, each chunk's tags and notes in one
query each, and only the current article (body included, for the `sentence` column) is kept. Outside a
transaction the reading runs one chunk ahead in a worker thread (see `passages`).

Every form lists passages by article, then reading order (start offset, then id), whatever order the
Annotations screen was sorted in.

CSV rules (documented for analysts in the README):
- RFC 4180: comma-separated, fields quoted only when needed, "" inside quotes, CRLF between records;
  newlines inside a note or a quote stay inside their quoted cell. UTF-8; `bom=True` adds a byte-order
  mark so that Excel reads UTF-8.
- Several terms in one cell: `Label [CODE]` joined by "; " (in the order they were tagged).
  actor_codes / event_codes: the distinct codes of the passage's actor / event terms, joined by "; ".
- notes: each live note as "author (YYYY-MM-DD HH:MM): text", oldest first, separated by a blank line.
- Dates and times in ISO 8601, UTC, to the second (`2026-11-22T03:14:18Z`); `published` is a date.
- A text cell beginning with =, +, -, @, a tab or a carriage return gets a leading apostrophe so that no
  spreadsheet runs it as a formula (OWASP "CSV injection"): a quote "-5 dead" reads "'-5 dead".
  Numbers, dates and links are never altered.
"""

from __future__ import annotations

import json
import queue
import threading
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.text import slugify

from annotations.models import Note, Span, Tag, Term
from corpus.models import Article, Source
from corpus.nlp import analyse

CHUNK_SIZE = 2000
JSONL_FORMAT = "marginalia-passages/1"
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
W3C_CONTENT_TYPE = f'application/ld+json; profile="{W3C_CONTEXT}"'


@dataclass(frozen=True)
class ExportFormat:
    content_type: str
    extension: str
    label: str
    # Goes into the file name so that the forms of one set on one day do not overwrite each other.
    name_suffix: str = ""


FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("text/csv; charset=utf-8", "csv", "CSV, one row per passage"),
    "csv-long": ExportFormat("text/csv; charset=utf-8", "csv", "CSV, one row per tag", "-long"),
    "jsonl": ExportFormat("application/jsonl; charset=utf-8", "jsonl", "JSON Lines"),
    "w3c": ExportFormat(W3C_CONTENT_TYPE, "jsonld", "W3C Web Annotation (JSON-LD collection)", "-w3c"),
    "w3c-jsonl": ExportFormat(W3C_CONTENT_TYPE, "jsonl", "W3C Web Annotation (JSON Lines)", "-w3c"),
}

CSV_COLUMNS: tuple[str, ...] = (
    "span_id",
    "article_id",
    "article_title",
    "source",
    "published",
    "article_url",
    "start",
    "end",
    "quote",
    "sentence",
    "source_actors",
    "agent_actors",
    "target_actors",
    "mentioned_actors",
    "events",
    "actor_codes",
    "event_codes",
    "notes",
    "annotator",
    "created_at",
    "updated_at",
    "link",
)
# The long form carries what import_annotations needs to find the passage again (article_sha256,
# prefix, suffix) next to the tidy one-row-per-tag columns. Notes are not in it: JSONL carries them.
LONG_CSV_COLUMNS: tuple[str, ...] = (
    "span_id",
    "article_id",
    "article_sha256",
    "article_title",
    "source",
    "published",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "annotator",
    "created_at",
    "updated_at",
    "link",
    "term_kind",
    "term_id",
    "term_label",
    "term_code",
    "role",
)
ROLE_COLUMNS = {
    Tag.Role.SOURCE: "source_actors",
    Tag.Role.AGENT: "agent_actors",
    Tag.Role.TARGET: "target_actors",
    Tag.Role.MENTIONED: "mentioned_actors",
    Tag.Role.EVENT: "events",
}
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def neutralise(value: str) -> str:
    """Defuse a spreadsheet formula: a leading apostrophe before =, +, -, @, tab or carriage return."""
    return "'" + value if value and value[0] in FORMULA_TRIGGERS else value


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
    """What neutralise() was given (for reading our own CSV back)."""
    return value[1:] if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_TRIGGERS else value


def export_filename(fmt: str, set_name: str | None, today: date) -> str:
    """`marginalia-<set or all>[-long|-w3c]-<date>.<ext>`, e.g. marginalia-irgc-agents-2026-11-22.csv."""
    export_format = FORMATS[fmt]
    name = slugify(set_name or "") or "all"
    return f"marginalia-{name}{export_format.name_suffix}-{today.isoformat()}.{export_format.extension}"


# --- Reading the set ------------------------------------------------------------------------------


class TermInfo:
    __slots__ = ("slug", "label", "code", "kind", "display", "iri")

    def __init__(self, slug: str, label: str, code: str, kind: str, base_url: str) -> None:
        self.slug, self.label, self.code, self.kind = slug, label, code, kind
        self.display = f"{label} [{code}]" if code else label
        self.iri = base_url + reverse("annotations:term-detail", args=[slug])


ARTICLE_SQL = (
    "SELECT a.title, s.name, a.published, a.url, a.sha256, a.body, a.sentence_starts "
    f"FROM {Article._meta.db_table} a LEFT JOIN {Source._meta.db_table} s ON s.id = a.source_id "
    "WHERE a.id = %s"
)


class ArticleInfo:
    __slots__ = (
        *("id", "title", "source", "published", "url", "sha256"),
        *("body", "starts", "reader_url", "csv_head"),
    )

    def __init__(self, article_id: int, base_url: str, using: str = "default") -> None:
        # Raw SQL: one small query per article, and the ORM's overhead was most of its cost.
        with connections[using].cursor() as cursor:
            cursor.execute(ARTICLE_SQL, [article_id])
            title, source, published, url, sha256, body, starts = cursor.fetchone()
        if isinstance(starts, str):  # JSON arrives as text from a raw cursor
            starts = json.loads(starts)
        self.id, self.title, self.source = article_id, title, source or ""
        self.published = str(published.isoformat() if isinstance(published, date) else published or "")
        self.url, self.sha256, self.body, self.starts = url, sha256, body, starts or []
        self.reader_url = base_url + reverse("annotations:reader", args=[article_id])
        # article_id … article_url of the wide CSV, the same for all of the article's passages.
        self.csv_head = csv_record([article_id, neutralise(title), neutralise(self.source), self.published])[
            :-2
        ]
        self.csv_head += "," + csv_cell(neutralise(url))

    def sentence(self, start: int, end: int) -> str:
        """corpus.nlp.sentences_around without working out every sentence's bounds for each passage:
        from the first sentence's start to the last one's end, its trailing whitespace left out."""
        starts = self.starts
        if not starts:
            return self.body[start:end]
        first = max(bisect_right(starts, start) - 1, 0)
        last = max(bisect_right(starts, max(end - 1, start)) - 1, first)
        last_end = starts[last + 1] if last + 1 < len(starts) else len(self.body)
        text = self.body[starts[first] : last_end]
        # Only the last sentence is trimmed (as sentence_bounds does), never into the one before it.
        trimmed = text.rstrip()
        return (
            trimmed if len(trimmed) >= starts[last] - starts[first] else text[: starts[last] - starts[first]]
        )


class Passage:
    """One span with what the exports show of it: its article, tags (TermInfo, role) and notes."""

    __slots__ = (
        *("span_id", "article", "start", "end", "quote", "prefix", "suffix"),
        *("annotator", "created_at", "updated_at", "version", "tags", "notes"),
    )

    def __init__(
        self,
        span_id: int,
        article: ArticleInfo,
        start: int,
        end: int,
        quote: str,
        prefix: str,
        suffix: str,
        annotator: str,
        created_at: str,
        updated_at: str,
        version: int,
        tags: list[tuple[TermInfo, str]],
        notes: list[tuple[str, str, str, str]],
    ) -> None:
        # created_at/updated_at are already ISO 8601 text; notes are (author, text, created_at, updated_at).
        self.span_id, self.article, self.start, self.end = span_id, article, start, end
        self.quote, self.prefix, self.suffix, self.annotator = quote, prefix, suffix, annotator
        self.created_at, self.updated_at, self.version = created_at, updated_at, version
        self.tags, self.notes = tags, notes

    @property
    def link(self) -> str:
        return f"{self.article.reader_url}#span-{self.span_id}"

    @property
    def sentence(self) -> str:
        return self.article.sentence(self.start, self.end)


NO_TAGS: list[tuple[TermInfo, str]] = []
NO_NOTES: list[tuple[str, str, str, str]] = []


def ensure_sentence_starts(spans: QuerySet[Span], batch_size: int = 64) -> int:
    """Compute and store sentence starts, in one pass, for the set's articles imported without them.
    Returns how many articles needed it."""
    missing = (
        Article.objects.filter(pk__in=spans.order_by().values("article_id"), sentence_starts=[])
        .exclude(body="")
        .values_list("pk", "body")
    )
    done = 0
    rows = missing.iterator(chunk_size=batch_size)
    while batch := list(islice(rows, batch_size)):
        for (pk, _body), (words, starts) in zip(batch, analyse(body for _, body in batch), strict=True):
            Article.objects.filter(pk=pk).update(word_count=words, sentence_starts=starts)
        done += len(batch)
    return done


def _rows_for_spans(using: str, sql: str, ids: list[int]) -> list[tuple]:
    """Run `sql` (with an `{ids}` placeholder for the span id condition) for a chunk of span ids.

    Raw SQL on purpose: building a 2,000-value IN lookup through the ORM costs more than running it.
    """
    # The ids are written into the SQL: they are integers we read from the database (int() makes sure),
    # and passing thousands of parameters costs more than the query itself on both databases.
    with connections[using].cursor() as cursor:
        cursor.execute(sql.format(ids="IN (" + ",".join(str(int(pk)) for pk in ids) + ")"))
        return cursor.fetchall()


def iso_from_db(text: str) -> str:
    """A timestamp the database cast to text, in UTC ("2026-11-22 03:14:18.5+00" on PostgreSQL,
    "2026-11-22 03:14:18.500000" on SQLite), as ISO 8601: 2026-11-22T03:14:18Z. Casting in SQL and
    cutting the text is several times cheaper than building datetime objects for every row."""
    return f"{text[:10]}T{text[11:19]}Z"


def passages(
    spans: QuerySet[Span], *, base_url: str, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[Passage]]:
    """The set's passages in (article, start, id) order, a chunk (list) at a time.

    Outside a transaction the reading runs one chunk ahead in a worker thread with its own database
    connection, so that the database works on the next chunk while this thread writes the current one.
    Inside a transaction (a test, ATOMIC_REQUESTS) it cannot: another connection would not see the
    transaction's rows, so it reads in this thread.
    """
    ensure_sentence_starts(spans)
    connection = connections[spans.db]
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    if connection.in_atomic_block or in_memory:
        return _read_passages(spans, base_url, chunk_size)
    return read_ahead(lambda: _read_passages(spans, base_url, chunk_size), using=spans.db)


def read_ahead(make: Callable[[], Iterator[Any]], *, using: str, depth: int = 2) -> Iterator[Any]:
    """Iterate make() in a worker thread, at most `depth` items ahead; the worker closes its own
    database connection when done. Stopping early (a download cancelled) stops the worker."""
    ahead: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                ahead.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in make():
                if not hand_over("item", item):
                    return
            hand_over("done", None)
        except BaseException as error:  # handed to the consumer, which raises it
            hand_over("error", error)
        finally:
            connections[using].close()

    worker = threading.Thread(target=work, name="marginalia-export-reader", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = ahead.get()
            if kind == "error":
                raise value
            if kind == "done":
                return
            yield value
    finally:
        stop.set()
        worker.join(timeout=10)


def _read_passages(spans: QuerySet[Span], base_url: str, chunk_size: int) -> Iterator[list[Passage]]:
    terms = {
        pk: TermInfo(slug, label, code, kind, base_url)
        for pk, slug, label, code, kind in Term.objects.values_list("pk", "slug", "label", "code", "kind")
    }
    usernames = dict(get_user_model().objects.values_list("pk", "username"))
    tag_sql = (
        f"SELECT span_id, term_id, role FROM {Tag._meta.db_table} WHERE span_id {{ids}} ORDER BY span_id, id"
    )
    note_sql = (
        "SELECT span_id, author_id, text, CAST(created_at AS TEXT), CAST(updated_at AS TEXT) "
        f"FROM {Note._meta.db_table} "
        "WHERE deleted_at IS NULL AND span_id {ids} ORDER BY span_id, created_at, id"
    )
    rows = (
        spans.order_by("article_id", "start", "pk")
        .annotate(
            export_created=Cast("created_at", output_field=TextField()),
            export_updated=Cast("updated_at", output_field=TextField()),
        )
        .values_list(
            "pk", "article_id", "start", "end", "quote", "prefix", "suffix", "created_by_id",
            "export_created", "export_updated", "version",
        )
        .iterator(chunk_size=chunk_size)
    )  # fmt: skip
    article: ArticleInfo | None = None
    while chunk := list(islice(rows, chunk_size)):
        ids = [row[0] for row in chunk]
        tags: dict[int, list[tuple[TermInfo, str]]] = defaultdict(list)
        for span_id, term_id, role in _rows_for_spans(spans.db, tag_sql, ids):
            tags[span_id].append((terms[term_id], role))
        notes: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
        for span_id, author_id, text, created, updated in _rows_for_spans(spans.db, note_sql, ids):
            notes[span_id].append(
                (usernames.get(author_id, ""), text, iso_from_db(created), iso_from_db(updated))
            )
        batch = []
        for pk, article_id, start, end, quote, prefix, suffix, by, created, updated, version in chunk:
            if article is None or article.id != article_id:
                article = ArticleInfo(article_id, base_url, spans.db)
            batch.append(
                Passage(
                    pk, article, start, end, quote, prefix, suffix, usernames.get(by, ""),
                    iso_from_db(created), iso_from_db(updated), version, tags.get(pk, NO_TAGS),
                    notes.get(pk, NO_NOTES),
                )
            )  # fmt: skip
        yield batch


# --- One passage in each form ---------------------------------------------------------------------


def note_line(author: str, text: str, created: str) -> str:
    """author (YYYY-MM-DD HH:MM): text — created is ISO text, in UTC."""
    return f"{author} ({created[:10]} {created[11:16]}): {text}"


TERM_COLUMNS = (*ROLE_COLUMNS.values(), "actor_codes", "event_codes")
_ROLE_SLOT = {role: i for i, role in enumerate(ROLE_COLUMNS)}
_NO_TERMS = ("",) * len(TERM_COLUMNS)
_NO_TERMS_CSV = "," * (len(TERM_COLUMNS) - 1)


def term_cells(passage: Passage) -> tuple[str, ...]:
    """The cells of TERM_COLUMNS: `Label [CODE]`s by role, then the distinct actor and event codes."""
    if not passage.tags:
        return _NO_TERMS
    return _term_cells(tuple(passage.tags))[0]


def csv_term_cells(passage: Passage) -> str:
    """term_cells as CSV: neutralised, encoded and joined by commas."""
    if not passage.tags:
        return _NO_TERMS_CSV
    return _term_cells(tuple(passage.tags))[1]


@lru_cache(maxsize=20_000)
def _term_cells(tags: tuple[tuple[TermInfo, str], ...]) -> tuple[tuple[str, ...], str]:
    # Cached: the same terms in the same roles recur across thousands of passages.
    by_role: list[list[str]] = [[], [], [], [], []]
    actor_codes: list[str] = []
    event_codes: list[str] = []
    for term, role in tags:
        is_event = term.kind == Term.Kind.EVENT
        slot = _ROLE_SLOT.get(role, 4 if is_event else 3)
        by_role[slot].append(term.display)
        codes = event_codes if is_event else actor_codes
        if term.code and term.code not in codes:
            codes.append(term.code)
    cells = (*("; ".join(values) for values in by_role), "; ".join(actor_codes), "; ".join(event_codes))
    return cells, ",".join(csv_cell(neutralise(cell)) for cell in cells)


def csv_line(passage: Passage) -> str:
    """The passage's record in the wide CSV (CSV_COLUMNS), CRLF included."""
    article, n = passage.article, neutralise
    notes = "\n\n".join(note_line(author, text, created) for author, text, created, _ in passage.notes)
    sentence = article.sentence(passage.start, passage.end)
    return (
        f"{passage.span_id},{article.csv_head},{passage.start},{passage.end},"
        f"{csv_cell(n(passage.quote))},{csv_cell(n(sentence))},{csv_term_cells(passage)},"
        f"{csv_cell(n(notes))},{csv_cell(n(passage.annotator))},{passage.created_at},{passage.updated_at},"
        f"{csv_cell(f'{article.reader_url}#span-{passage.span_id}')}\r\n"
    )


def long_csv_rows(passage: Passage) -> list[list[Any]]:
    article, n = passage.article, neutralise
    common = [
        passage.span_id,
        article.id,
        article.sha256,
        n(article.title),
        n(article.source),
        article.published,
        passage.start,
        passage.end,
        n(passage.quote),
        n(passage.prefix),
        n(passage.suffix),
        n(passage.annotator),
        passage.created_at,
        passage.updated_at,
        passage.link,
    ]
    if not passage.tags:  # a passage without tags still gets its row: nothing is lost
        return [[*common, "", "", "", "", ""]]
    return [[*common, term.kind, term.slug, n(term.label), n(term.code), role] for term, role in passage.tags]


def jsonl_record(passage: Passage) -> dict[str, Any]:
    article = passage.article
    cells = dict(zip(TERM_COLUMNS, term_cells(passage), strict=True))
    return {
        "format": JSONL_FORMAT,
        "span_id": passage.span_id,
        "article_id": article.id,
        "article_sha256": article.sha256,
        "article_title": article.title,
        "source": article.source,
        "published": article.published,
        "article_url": article.url,
        "start": passage.start,
        "end": passage.end,
        "quote": passage.quote,
        "prefix": passage.prefix,
        "suffix": passage.suffix,
        "sentence": passage.sentence,
        "terms": [
            {"id": term.slug, "label": term.label, "code": term.code, "kind": term.kind, "role": role}
            for term, role in passage.tags
        ],
        **cells,
        "notes": [
            {"author": author, "text": text, "created_at": created, "updated_at": updated}
            for author, text, created, updated in passage.notes
        ],
        "annotator": passage.annotator,
        "created_at": passage.created_at,
        "updated_at": passage.updated_at,
        "version": passage.version,
        "link": passage.link,
    }


def analyst_agent(username: str, base_url: str) -> dict[str, str]:
    return {"id": f"{base_url}/analysts/{username}", "type": "Person", "nickname": username}


def w3c_annotation(passage: Passage, base_url: str) -> dict[str, Any]:
    """One passage as a W3C Web Annotation. Each tag is a SpecificResource body whose source is the
    term's IRI in our vocabulary: purpose `identifying` for an actor (who the passage names), `classifying`
    for an event type; the actor's role (source/agent/target/mentioned) goes in `role` of our own context.
    Each note is a TextualBody with purpose `commenting`."""
    article = passage.article
    bodies: list[dict[str, Any]] = [
        {
            "type": "SpecificResource",
            "purpose": "classifying" if term.kind == Term.Kind.EVENT else "identifying",
            "source": {"id": term.iri, "label": term.display},
            "role": role,
        }
        for term, role in passage.tags
    ]
    bodies += [
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "value": text,
            "format": "text/plain",
            "creator": analyst_agent(author, base_url),
            "created": created,
            "modified": updated,
        }
        for author, text, created, updated in passage.notes
    ]
    annotation: dict[str, Any] = {
        "@context": [W3C_CONTEXT, {"marginalia": f"{base_url}/ns#", "role": "marginalia:role"}],
        "id": passage.link,
        "type": "Annotation",
        "motivation": "classifying" if passage.tags else "commenting" if passage.notes else "highlighting",
        "created": passage.created_at,
        "modified": passage.updated_at,
        "creator": analyst_agent(passage.annotator, base_url),
        "generator": {"id": f"{base_url}/", "type": "Software", "name": "Marginalia"},
    }
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = {
        "source": article.url or article.reader_url,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": passage.quote,
                "prefix": passage.prefix,
                "suffix": passage.suffix,
            },
            {"type": "TextPositionSelector", "start": passage.start, "end": passage.end},
        ],
    }
    return annotation


# --- Streams ----------------------------------------------------------------------------------------


def _csv_stream(
    chunks: Iterable[list[Passage]],
    header: Iterable[str],
    lines: Callable[[list[Passage]], Iterable[str]],
    bom: bool,
) -> Iterator[str]:
    yield ("\ufeff" if bom else "") + csv_record(header)
    for chunk in chunks:
        yield "".join(lines(chunk))


def _json_lines(chunks: Iterable[list[Passage]], record: Callable[[Passage], dict]) -> Iterator[str]:
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
    spans: QuerySet[Span],
    *,
    base_url: str,
    bom: bool = False,
    label: str | None = None,
    collection_id: str | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[str]:
    """The export of `spans` (live spans, already filtered) as text chunks, generated lazily.

    base_url: scheme and host of this instance ("https://marginalia.example.org"), for absolute links.
    bom: a UTF-8 byte-order mark first (CSV forms only; JSON never carries one).
    label, collection_id: the W3C collection's label and IRI (default "Marginalia passages", the
    Annotations screen).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format “{fmt}”; use one of {', '.join(FORMATS)}.")
    base_url = base_url.rstrip("/")
    chunks = passages(spans, base_url=base_url, chunk_size=chunk_size)
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

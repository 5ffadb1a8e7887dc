"""Reading an annotated set for export: its passages, a chunk at a time, with their articles, tags and notes.

Memory stays flat whatever the size of the set: spans are read in chunks of CHUNK_SIZE as plain value
rows, each chunk's tags and notes in one query each, and only the current article (body included, for the
`sentence` column) is kept. Outside a transaction the reading runs one chunk ahead in a worker thread (see
`passages`).

Every form lists passages by article, then reading order (start offset, then id), whatever order the
Annotations screen was sorted in.
"""

from __future__ import annotations

import json
import queue
import threading
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.urls import reverse

from annotations.export.csvcells import csv_cell, csv_record, neutralise
from annotations.models import Note, Span, Tag, Term
from annotations.models.visibility import Sight
from corpus.models import Article, Source
from corpus.nlp import analyse

CHUNK_SIZE = 2000


class TermInfo:
    __slots__ = ("slug", "label", "code", "kind", "display", "iri", "csv_cells")

    def __init__(self, slug: str, label: str, code: str, kind: str, base_url: str) -> None:
        self.slug, self.label, self.code, self.kind = slug, label, code, kind
        self.display = f"{label} [{code}]" if code else label
        self.iri = base_url + reverse("annotations:term-detail", args=[slug])
        # label,id,code as CSV cells (the claims CSV's speaker and target columns).
        self.csv_cells = f"{csv_cell(neutralise(label))},{csv_cell(slug)},{csv_cell(neutralise(code))}"


ARTICLE_SQL = (
    "SELECT a.title, s.name, a.published, a.url, a.sha256, a.body, a.sentence_starts, a.authors "
    f"FROM {Article._meta.db_table} a LEFT JOIN {Source._meta.db_table} s ON s.id = a.source_id "
    "WHERE a.id = %s"
)


class ArticleInfo:
    __slots__ = (
        *("id", "title", "source", "published", "url", "sha256"),
        *("body", "starts", "reader_url", "csv_head", "authors"),
    )

    def __init__(self, article_id: int, base_url: str, using: str = "default") -> None:
        # Raw SQL: one small query per article, and the ORM's overhead was most of its cost.
        with connections[using].cursor() as cursor:
            cursor.execute(ARTICLE_SQL, [article_id])
            title, source, published, url, sha256, body, starts, authors = cursor.fetchone()
        if isinstance(starts, str):  # JSON arrives as text from a raw cursor
            starts = json.loads(starts)
        self.id, self.title, self.source = article_id, title, source or ""
        self.published = str(published.isoformat() if isinstance(published, date) else published or "")
        self.url, self.sha256, self.body, self.starts = url, sha256, body, starts or []
        self.authors = authors or ""
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
        *("annotator", "created_at", "updated_at", "version", "tags", "notes", "claims"),
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
        claims: list | None = None,
    ) -> None:
        # created_at/updated_at are already ISO 8601 text; notes are (author, text, created_at, updated_at).
        self.span_id, self.article, self.start, self.end = span_id, article, start, end
        self.quote, self.prefix, self.suffix, self.annotator = quote, prefix, suffix, annotator
        self.created_at, self.updated_at, self.version = created_at, updated_at, version
        self.tags, self.notes = tags, notes
        # The passage's live claims (annotations.export.claim_reading.ClaimInfo), when the form shows them.
        self.claims = claims if claims is not None else NO_CLAIMS
        for claim in self.claims:
            claim.passage = self

    @property
    def link(self) -> str:
        return f"{self.article.reader_url}#span-{self.span_id}"

    def json_place(self) -> dict[str, Any]:
        """The passage's id and its article's, in the order both JSONL exports write them."""
        article = self.article
        return {
            "span_id": self.span_id,
            "article_id": article.id,
            "article_sha256": article.sha256,
            "article_title": article.title,
            "source": article.source,
            "published": article.published,
            "article_url": article.url,
        }

    def json_terms(self) -> list[dict[str, Any]]:
        return [
            {"id": term.slug, "label": term.label, "code": term.code, "kind": term.kind, "role": role}
            for term, role in self.tags
        ]

    def json_notes(self) -> list[dict[str, str]]:
        return [
            {"author": author, "text": text, "created_at": created, "updated_at": updated}
            for author, text, created, updated in self.notes
        ]

    @property
    def sentence(self) -> str:
        return self.article.sentence(self.start, self.end)


def note_line(author: str, text: str, created: str) -> str:
    """author (YYYY-MM-DD HH:MM): text — created is ISO text, in UTC."""
    return f"{author} ({created[:10]} {created[11:16]}): {text}"


def analyst_agent(username: str, base_url: str) -> dict[str, str]:
    """An analyst as a W3C agent (creator of an annotation, a note or a claim)."""
    return {"id": f"{base_url}/analysts/{username}", "type": "Person", "nickname": username}


NO_TAGS: list[tuple[TermInfo, str]] = []
NO_NOTES: list[tuple[str, str, str, str]] = []
NO_CLAIMS: list = []


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


def rows_for_spans(using: str, sql: str, ids: list[int]) -> list[tuple]:
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
    spans: QuerySet[Span],
    *,
    base_url: str,
    chunk_size: int = CHUNK_SIZE,
    with_claims: bool = False,
    sight: Sight | None = None,
) -> Iterator[list[Passage]]:
    """The set's passages in (article, start, id) order, a chunk (list) at a time; `with_claims` reads
    each passage's live claims too (JSONL and W3C carry them; the CSV forms do not). `sight`: the notes
    and claims its viewer may see (the passages are already narrowed to those).

    Outside a transaction the reading runs one chunk ahead in a worker thread with its own database
    connection, so that the database works on the next chunk while this thread writes the current one.
    Inside a transaction (a test, ATOMIC_REQUESTS) it cannot: another connection would not see the
    transaction's rows, so it reads in this thread.
    """
    ensure_sentence_starts(spans)
    connection = connections[spans.db]
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    if connection.in_atomic_block or in_memory:
        return _read_passages(spans, base_url, chunk_size, with_claims, sight)
    return read_ahead(lambda: _read_passages(spans, base_url, chunk_size, with_claims, sight), using=spans.db)


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


TAG_SQL = (
    f"SELECT span_id, term_id, role FROM {Tag._meta.db_table} WHERE span_id {{ids}} ORDER BY span_id, id"
)
NOTE_SQL = (
    "SELECT span_id, author_id, text, CAST(created_at AS TEXT), CAST(updated_at AS TEXT), article_id "
    f"FROM {Note._meta.db_table} "
    "WHERE deleted_at IS NULL AND span_id {ids} ORDER BY span_id, created_at, id"
)


class Lookups:
    """What every chunk needs by id: the vocabulary's terms (TermInfo) and the analysts' usernames."""

    def __init__(self, base_url: str) -> None:
        self.terms = {
            pk: TermInfo(slug, label, code, kind, base_url)
            for pk, slug, label, code, kind in Term.objects.values_list("pk", "slug", "label", "code", "kind")
        }
        self.usernames: dict[int, str] = dict(get_user_model().objects.values_list("pk", "username"))


def tags_and_notes(
    using: str, ids: list[int], lookups: Lookups, sight: Sight | None = None
) -> tuple[dict[int, list[tuple[TermInfo, str]]], dict[int, list[tuple[str, str, str, str]]]]:
    """The tags and live notes of these spans, by span id, in two queries. `sight`: only the notes its
    viewer may see (independent coding: a note is its author's too, not only its passage's)."""
    tags: dict[int, list[tuple[TermInfo, str]]] = defaultdict(list)
    for span_id, term_id, role in rows_for_spans(using, TAG_SQL, ids):
        tags[span_id].append((lookups.terms[term_id], role))
    notes: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    for span_id, author_id, text, created, updated, article_id in rows_for_spans(using, NOTE_SQL, ids):
        if sight is not None and not sight.sees(article_id, author_id):
            continue
        notes[span_id].append(
            (lookups.usernames.get(author_id, ""), text, iso_from_db(created), iso_from_db(updated))
        )
    return tags, notes


def _read_passages(
    spans: QuerySet[Span],
    base_url: str,
    chunk_size: int,
    with_claims: bool = False,
    sight: Sight | None = None,
) -> Iterator[list[Passage]]:
    # Imported here: claim_reading builds on this module.
    from annotations.export.claim_reading import claims_by_span

    lookups = Lookups(base_url)
    usernames = lookups.usernames
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
        tags, notes = tags_and_notes(spans.db, ids, lookups, sight)
        claims = {}
        if with_claims:
            claims = claims_by_span(spans.db, ids, lookups, sight, {row[0]: row[1] for row in chunk})
        batch = []
        for pk, article_id, start, end, quote, prefix, suffix, by, created, updated, version in chunk:
            if article is None or article.id != article_id:
                article = ArticleInfo(article_id, base_url, spans.db)
            batch.append(
                Passage(
                    pk, article, start, end, quote, prefix, suffix, usernames.get(by, ""),
                    iso_from_db(created), iso_from_db(updated), version, tags.get(pk, NO_TAGS),
                    notes.get(pk, NO_NOTES), claims.get(pk, NO_CLAIMS),
                )
            )  # fmt: skip
        yield batch

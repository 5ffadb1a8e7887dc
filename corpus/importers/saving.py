"""The import run, in two steps.

1. Store: each file's drafts are cleaned (corpus.cleaning) and hashed outside any transaction, then
   stored in one transaction per file: duplicates found by SHA-256 in one query, the rest inserted in
   batches. A file is imported whole or not at all, and a bad file never stops the others. The
   articles are listed at once, marked "analysing".
2. Analyse: sentences and word counts (corpus.analysis), either in the background (a task per file,
   queued in the file's own transaction, for uploads) or right after storing (the command line).
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction

from corpus.cleaning import clean_article, normalise, title_line
from corpus.importers.drafts import Draft
from corpus.importers.report import FileResult, ImportReport
from corpus.models import Article, Source

# The name the module had before it became a package, so log records read as before.
logger = logging.getLogger("corpus.importers")

# Articles analysed together when the analysis runs in the foreground (the command line): big enough
# for spaCy's batching, small enough that memory does not grow with the number of files.
CHUNK_SIZE = 64
# Rows per INSERT statement when a file's articles are stored.
INSERT_BATCH = 250
# A first line longer than this is a paragraph, not a title: it stays in the body.
TITLE_MAX_LINE = 200


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off for one file's work. Storing 1,000 articles makes tens of
    thousands of objects that live until the file is stored, and each collection they set off walks
    every object of the process (Django's, spaCy's, the vocabulary's): 0.2-0.3 s of a 1,000-article
    upload's 0.6 s when the process had not frozen its start-up objects (gunicorn.conf.py does). What
    the file leaves behind is collected afterwards as usual; a file is at most 5 MB."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass
class _Pending:
    """A cleaned draft waiting for its batch to be analysed and saved."""

    result: FileResult
    fields: dict
    sha256: str


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


class Importer:
    """One import run: the sources it created and the bodies it stored (so that a body seen twice in
    one run is reported as a duplicate of the first), across the files it is given one at a time."""

    def __init__(self, user=None, *, background: bool = False) -> None:
        self.user = user
        # Analysis queued as a task per file (uploads), or run here in batches (the command line).
        self.background = background
        self.sources: dict[str, Source] = {}
        self.seen: dict[str, int] = {}
        self._to_analyse: list[int] = []

    def prepare(self, items: Iterable[Draft | FileResult]) -> list[_Pending | FileResult]:
        """One file's drafts cleaned and hashed (no database): the slow part, kept out of the transaction."""
        with collector_paused():
            return [item if isinstance(item, FileResult) else _prepare(item) for item in items]

    def store(self, prepared: list[_Pending | FileResult]) -> list[FileResult]:
        """Store one file's prepared articles in one transaction (a savepoint if the caller has one
        open: an import job marks the file done in its own) and return its report lines."""
        sources, seen = dict(self.sources), dict(self.seen)
        try:
            with collector_paused(), transaction.atomic():
                results, ids = self._store(prepared)
                if ids and self.background:
                    from corpus.tasks import queue_analysis

                    # Queued in the same transaction: with the database queue, stored articles always
                    # have their analysis waiting.
                    queue_analysis(ids)
        except DatabaseError as exc:
            logger.exception("import of %s failed", _file_name(prepared))
            self.sources, self.seen = sources, seen
            results = [item.result if isinstance(item, _Pending) else item for item in prepared]
            for result in results:
                if result.status == "imported":
                    result.status, result.article_id = "refused", None
                    result.message = f"could not be saved: {exc}"
            return results
        if ids and not self.background:
            self._to_analyse.extend(ids)
            if len(self._to_analyse) >= CHUNK_SIZE:
                self.analyse_now()
        return results

    def analyse_now(self) -> None:
        """Analyse what this run stored and has not analysed yet (foreground runs)."""
        from corpus.analysis import analyse_articles

        ids, self._to_analyse = self._to_analyse, []
        analyse_articles(ids, batch_size=CHUNK_SIZE)

    def _store(self, prepared: list[_Pending | FileResult]) -> tuple[list[FileResult], list[int]]:
        pending = [item for item in prepared if isinstance(item, _Pending)]
        known = dict(
            Article.objects.filter(sha256__in={p.sha256 for p in pending}).values_list("sha256", "pk")
        )
        known.update(self.seen)
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
        articles = self._insert(fresh)
        for item, article in zip(fresh, articles, strict=True):
            if article is None:
                continue
            self.seen[item.sha256] = article.pk
            item.result.article_id = article.pk
            where = f"line {item.result.line}: " if item.result.line else ""
            item.result.message = f"{where}imported as article {article.pk}: {article.title}"
        for item in copies:
            _mark_duplicate(item, self.seen[item.sha256])
        results = [item.result if isinstance(item, _Pending) else item for item in prepared]
        return results, [article.pk for article in articles if article is not None]

    def _insert(self, fresh: list[_Pending]) -> list[Article | None]:
        """Insert the articles in batches; where another import stored the same body meanwhile (the
        unique SHA-256 refuses the insert), that body is marked a duplicate and the rest inserted."""
        articles = [self._article(item) for item in fresh]
        try:
            with transaction.atomic():
                Article.objects.bulk_create(articles, batch_size=INSERT_BATCH)
            return articles
        except IntegrityError:
            stored = dict(
                Article.objects.filter(sha256__in=[a.sha256 for a in articles]).values_list("sha256", "pk")
            )
        kept = []
        for item, article in zip(fresh, articles, strict=True):
            if item.sha256 in stored:
                _mark_duplicate(item, stored[item.sha256])
                kept.append(None)
            else:
                article.pk, article._state.adding = None, True
                kept.append(article)
        with transaction.atomic():
            Article.objects.bulk_create([a for a in kept if a is not None], batch_size=INSERT_BATCH)
        return kept

    def _article(self, item: _Pending) -> Article:
        fields = dict(item.fields)
        source_name = fields.pop("source")
        source = self._source(source_name, fields["url"]) if source_name else None
        return Article(**fields, source=source, sha256=item.sha256, imported_by=self.user, analysed_at=None)

    def _source(self, name: str, url: str) -> Source:
        """The source of that name (any letter case), created on first sight."""
        key = name.casefold()
        if key in self.sources:
            return self.sources[key]
        source = Source.objects.filter(name__iexact=name).first()
        if source is None:
            home_page = ""
            if url:
                scheme, _, rest = url.partition("://")
                home_page = f"{scheme}://{rest.split('/', 1)[0]}/"
            try:
                with transaction.atomic():
                    source = Source.objects.create(name=name, home_page=home_page)
            except IntegrityError:  # created by another import since we looked
                source = Source.objects.get(name__iexact=name)
        self.sources[key] = source
        return source


def _run(files: Iterable[list[Draft | FileResult]], report: ImportReport, user, *, background: bool) -> None:
    """Import each file's drafts (a list per file) into `report`; see Importer."""
    importer = Importer(user, background=background)
    for items in files:
        report.results.extend(importer.store(importer.prepare(items)))
    if not background:
        importer.analyse_now()


def _file_name(prepared: list[_Pending | FileResult]) -> str:
    for item in prepared:
        return item.result.name if isinstance(item, _Pending) else item.name
    return "an empty file"


def _mark_duplicate(item: _Pending, article_id: int) -> None:
    item.result.status = "duplicate"
    item.result.article_id = article_id
    where = f"line {item.result.line}: " if item.result.line else ""
    item.result.message = f"{where}skipped: duplicate of article {article_id}"

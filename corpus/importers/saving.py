"""The import run: drafts cleaned (corpus.cleaning), checked for duplicates by the SHA-256 of the
cleaned body, analysed by the shared spaCy pipeline in batches, and saved one transaction per article,
so a bad file or line never stops the others and nothing is half-imported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction

from corpus import nlp
from corpus.cleaning import clean_article, normalise, title_line
from corpus.importers.drafts import Draft
from corpus.importers.report import FileResult, ImportReport
from corpus.models import Article, Source

# The name the module had before it became a package, so log records read as before.
logger = logging.getLogger("corpus.importers")

# Articles analysed and saved together: big enough for spaCy's batching, small enough that
# memory does not grow with the number of files.
CHUNK_SIZE = 64
# A first line longer than this is a paragraph, not a title: it stays in the body.
TITLE_MAX_LINE = 200


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

"""The second step of an import: sentence analysis and search indexing in the background, then the
article_analysed signal (annotations warms the reader's suggestions on it).

An article is stored and listed first (corpus.importers), marked "analysing" (analysed_at is None)
until this has run. Each batch commits on its own, so a worker killed in the middle loses at most
one batch, and running the analysis again only does what is left.

On PostgreSQL the batch's full-text vectors are stored in the same transaction (corpus.search); on
SQLite the search reads the text itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from itertools import islice

from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from corpus import nlp
from corpus.models import Article
from corpus.search import index_articles
from corpus.signals import article_analysed

logger = logging.getLogger(__name__)


def analyse_articles(articles: QuerySet[Article] | Iterable[int], batch_size: int = 64) -> int:
    """Word counts and sentence starts for those of `articles` (a queryset or ids) still analysing,
    `batch_size` articles per spaCy batch and per transaction. Returns how many were analysed."""
    pending = articles if isinstance(articles, QuerySet) else Article.objects.filter(pk__in=list(articles))
    ids = iter(list(pending.analysing().order_by("pk").values_list("pk", flat=True)))
    analysed = 0
    while batch_ids := list(islice(ids, batch_size)):
        batch = list(Article.objects.analysing().filter(pk__in=batch_ids).order_by("pk"))
        now = timezone.now()
        for article, (words, starts) in zip(
            batch, nlp.analyse([a.body for a in batch], batch_size=batch_size), strict=True
        ):
            article.word_count, article.sentence_starts, article.analysed_at = words, starts, now
        with transaction.atomic(using=pending.db):
            _save_analyses(batch, using=pending.db)
            index_articles([article.pk for article in batch], using=pending.db)
        for article in batch:
            # A failing receiver (the suggestions warm-up) must not undo or stop the analysis.
            for receiver, outcome in article_analysed.send_robust(sender=Article, article=article):
                if isinstance(outcome, Exception):
                    logger.error(
                        "article_analysed receiver %r failed on article %s: %r", receiver, article.pk, outcome
                    )
        analysed += len(batch)
    return analysed


def _save_analyses(batch: list[Article], using: str) -> None:
    """One prepared UPDATE run for the whole batch: bulk_update's CASE expressions cost several times
    the analysis itself. Values go through the fields' own preparation (JSON on SQLite, jsonb on
    PostgreSQL)."""
    connection = connections[using]
    fields = [Article._meta.get_field(name) for name in ("word_count", "sentence_starts", "analysed_at")]
    columns = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    sql = f"UPDATE {connection.ops.quote_name(Article._meta.db_table)} SET {columns} WHERE id = %s"
    rows = [
        [field.get_db_prep_save(getattr(article, field.attname), connection) for field in fields]
        + [article.pk]
        for article in batch
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)

"""Sources and articles: the texts every offset points into."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from corpus.search import ArticleSearch, matching, plain_matching, read_search


class Source(models.Model):
    class Reliability(models.TextChoices):
        # The Admiralty (NATO) source-reliability grades.
        A = "A", "A: completely reliable"
        B = "B", "B: usually reliable"
        C = "C", "C: fairly reliable"
        D = "D", "D: not usually reliable"
        E = "E", "E: unreliable"
        F = "F", "F: reliability cannot be judged"

    name = models.CharField(max_length=200, unique=True)
    home_page = models.URLField(max_length=500, blank=True)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Live passages of an article, through `spans`, the reverse name annotations gives them (corpus does not
# import annotations).
_LIVE_PASSAGES = models.Count("spans", filter=models.Q(spans__deleted_at__isnull=True))

# How the app that owns passages narrows them to what a viewer may see (annotations: independent coding),
# each a function (passages queryset, viewer) -> queryset. Registered from that app's AppConfig.ready, so
# that the Articles list counts what its viewer may see without corpus importing annotations.
PASSAGE_FILTERS: list[Callable[[models.QuerySet, Any], models.QuerySet]] = []


def register_passage_filter(narrow: Callable[[models.QuerySet, Any], models.QuerySet]) -> None:
    if narrow not in PASSAGE_FILTERS:
        PASSAGE_FILTERS.append(narrow)


class ArticleQuerySet(models.QuerySet):
    def search(self, query: str | ArticleSearch, *, literal: bool = False) -> ArticleQuerySet:
        """Title, authors and text: PostgreSQL full text (indexed) or a plain match on SQLite. A name
        in the query finds every name of its term too, unless `literal` (corpus.search.read_search)."""
        search = query if isinstance(query, ArticleSearch) else read_search(query, literal=literal)
        if not search:
            return self
        if connection.vendor == "postgresql":
            # alias(), not annotate(): the live vector is only filtered on, never selected or grouped by.
            alias, condition = matching(search)
            return self.alias(**alias).filter(condition)
        return self.filter(plain_matching(search))

    def from_source(self, source_id: int | str | None) -> ArticleQuerySet:
        return self.filter(source_id=source_id) if source_id else self

    def published_between(self, first: dt.date | None, last: dt.date | None) -> ArticleQuerySet:
        """Published on or after `first` and on or before `last` (either may be open)."""
        filtered = self
        if first:
            filtered = filtered.filter(published__gte=first)
        if last:
            filtered = filtered.filter(published__lte=last)
        return filtered

    def with_passage_counts(self) -> ArticleQuerySet:
        """Each article's number of live passages. `spans` is the reverse name annotations gives its
        passages: corpus counts them without importing annotations. This counts for every article the
        queryset holds before any LIMIT: for a page of a list, use Article.attach_passage_counts."""
        return self.annotate(passage_count=_LIVE_PASSAGES)

    def analysing(self) -> ArticleQuerySet:
        """Stored but not yet through the background analysis (sentences, suggestions warm-up)."""
        return self.filter(analysed_at__isnull=True)

    def analyse(self, batch_size: int = 64) -> int:
        """Analyse those of these articles still analysing; see corpus.analysis."""
        from corpus.analysis import analyse_articles

        return analyse_articles(self, batch_size=batch_size)

    def by_date(self, oldest_first: bool = False) -> ArticleQuerySet:
        """Newest (or oldest) first; undated articles last either way."""
        published = models.F("published")
        order = published.asc(nulls_last=True) if oldest_first else published.desc(nulls_last=True)
        return self.order_by(order, "title", "pk")


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self) -> ArticleQuerySet:
        # The search vector serves the database's full-text search only: never worth reading into Python.
        return super().get_queryset().defer("search_vector")


class Article(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    title = models.CharField(max_length=500)
    standfirst = models.TextField(blank=True)
    authors = models.CharField(max_length=500, blank=True, help_text="Joined with '; '.")
    published = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=16, default="en")
    body = models.TextField(help_text="Plain text; every offset points into it. Never edited once annotated.")
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    word_count = models.PositiveIntegerField(default=0)
    # Start offsets of the body's sentences (code points), computed once at import.
    sentence_starts = models.JSONField(default=list, blank=True, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    # None while the article waits for its background analysis (it is listed and readable already).
    # Only the importer stores articles unanalysed; one made any other way counts as analysed (its
    # sentences, if missing, are computed when first needed: ensure_sentence_starts).
    analysed_at = models.DateTimeField(null=True, blank=True, default=timezone.now, editable=False)
    original_filename = models.CharField(max_length=500, blank=True)
    # PostgreSQL full text, stored by the background analysis (corpus.search); always empty on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = ArticleManager()

    class Meta:
        ordering = ["-published", "title"]
        indexes = [
            models.Index(fields=["published"]),
            models.Index(fields=["source", "published"]),
            models.Index(
                fields=["imported_at"],
                condition=models.Q(analysed_at__isnull=True),
                name="corpus_article_analysing",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("annotations:reader", args=[self.pk])

    @staticmethod
    def attach_passage_counts(articles: Sequence[Article], viewer: Any = None) -> None:
        """Set `passage_count` on each of these articles (a page of a list): one query that counts the
        passages of these articles only, however many the corpus holds; with `viewer`, those they may see
        (PASSAGE_FILTERS)."""
        ids = [article.pk for article in articles]
        counts = {}
        if ids:
            passages = Article._meta.get_field("spans").related_model.objects.filter(
                article_id__in=ids, deleted_at__isnull=True
            )
            if viewer is not None:
                for narrow in PASSAGE_FILTERS:
                    passages = narrow(passages, viewer)
            by_article = passages.order_by().values("article_id").annotate(n=models.Count("pk"))
            counts = dict(by_article.values_list("article_id", "n"))
        for article in articles:
            article.passage_count = counts.get(article.pk, 0)

    @staticmethod
    def hash_body(body: str) -> str:
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

    @property
    def analysing(self) -> bool:
        return self.analysed_at is None

    @property
    def author_list(self) -> list[str]:
        return [a.strip() for a in self.authors.split(";") if a.strip()]

    def ensure_sentence_starts(self) -> list[int]:
        """The stored sentence starts, computed (once) if the article has none yet."""
        if not self.sentence_starts and self.body:
            from corpus.nlp import analyse

            self.word_count, self.sentence_starts = next(analyse([self.body]))
            Article.objects.filter(pk=self.pk).update(
                word_count=self.word_count, sentence_starts=self.sentence_starts
            )
        return self.sentence_starts

    def paragraphs(self) -> list[tuple[int, str]]:
        """(start offset, text) of each paragraph; paragraphs are separated by one blank line."""
        result, offset = [], 0
        for text in self.body.split("\n\n"):
            result.append((offset, text))
            offset += len(text) + 2
        return result

"""The PostgreSQL full-text search of articles: a stored vector, filled by the background analysis.

An article's vector (title, authors, body; English stemming) is computed by corpus.analysis after the
article is stored, so an import does not wait for it (computing it at insert, as an index on the
expression did, cost 1.2 s per 1,000 articles). It is kept in `Article.search_vector` under a GIN
index. An article whose vector is not there yet (still analysing, or stored some other way) is
matched on the expression itself, found through a small partial index: search finds every article.
Authors are in it because analysts search by author ("Suchkov") and the by-line is no longer in the
body once it became metadata. Migration corpus 0003 builds both indexes; SQLite has neither and
searches the text itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Q

ARTICLE_SEARCH_VECTOR = SearchVector("title", "authors", "body", config="english")
VECTOR_INDEX = "corpus_article_search_vector_gin"
UNINDEXED_INDEX = "corpus_article_unindexed"


def matching(query: str) -> tuple[dict, Q]:
    """(alias, condition) for articles matching `query` (websearch syntax)."""
    search = SearchQuery(query, config="english", search_type="websearch")
    condition = Q(search_vector=search) | Q(search_vector__isnull=True, live_vector=search)
    return {"live_vector": ARTICLE_SEARCH_VECTOR}, condition


def index_articles(article_ids: Iterable[int], using: str = "default") -> None:
    """Store the search vectors of these articles (PostgreSQL; nothing to do on SQLite)."""
    if connections[using].vendor != "postgresql":
        return
    from corpus.models import Article

    Article.objects.using(using).filter(pk__in=list(article_ids)).update(search_vector=ARTICLE_SEARCH_VECTOR)

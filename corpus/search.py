"""The Articles search: what a query asks for, and how each database answers it.

**Names.** A word (or run of words) of the query that is a name in the vocabulary stands for every name of
its term: "Soleimany" also finds "Qasem Soleimani", "Suleimani" and the rest. corpus knows nothing of
the vocabulary: the app that owns it registers a NameExpander (`register_name_expander`, from its
AppConfig.ready) that says which candidate phrases are names and what the other names of their term are.
The page says what else was searched, and `literal` searches the words as typed. Names match whole words,
case-insensitively, a name of several words as a phrase.

**PostgreSQL.** An article's vector (title, authors, body; English stemming) is computed by
corpus.analysis after the article is stored, so an import does not wait for it (computing it at insert,
as an index on the expression did, cost 1.2 s per 1,000 articles). It is kept in `Article.search_vector`
under a GIN index. An article whose vector is not there yet (still analysing, or stored some other way)
is matched on the expression itself, found through a small partial index: search finds every article.
Authors are in it because analysts search by author ("Suchkov") and the by-line is no longer in the
body once it became metadata. Migration corpus 0003 builds both indexes.

**SQLite** has neither and searches the text itself: each other word anywhere, case-insensitively; a
name and its variants as whole words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Q

ARTICLE_SEARCH_VECTOR = SearchVector("title", "authors", "body", config="english")
VECTOR_INDEX = "corpus_article_search_vector_gin"
UNINDEXED_INDEX = "corpus_article_unindexed"
# The longest run of words tried as one name ("Major General Qasem Soleimani" is five).
MAX_NAME_WORDS = 6
# Punctuation around a word that is not part of a name ("Soleimani," "(IRGC)").
_AROUND_WORD = ",;:!?()[]{}"


@dataclass(frozen=True)
class TermNames:
    """What a NameExpander says of a phrase: the term it names and the names searched for it."""

    term: str
    names: tuple[str, ...]


# Given candidate phrases of a query, answer those that are names: {phrase: TermNames}.
NameExpander = Callable[[Sequence[str]], Mapping[str, TermNames]]
NAME_EXPANDERS: list[NameExpander] = []


def register_name_expander(expand: NameExpander) -> None:
    if expand not in NAME_EXPANDERS:
        NAME_EXPANDERS.append(expand)


@dataclass(frozen=True)
class NameSearched:
    """A name of the query, as typed, and every name searched for it (the typed one first)."""

    typed: str
    term: str
    names: tuple[str, ...]

    @property
    def also(self) -> tuple[str, ...]:
        """The names searched beside the one typed."""
        typed = self.typed.casefold()
        return tuple(name for name in self.names if name.casefold() != typed)


@dataclass(frozen=True)
class ArticleSearch:
    """A query read: its names (each with its variants) and the other words, searched as typed."""

    query: str
    words: str
    names: tuple[NameSearched, ...] = ()
    literal: bool = False

    def __bool__(self) -> bool:
        return bool(self.words or self.names)

    @property
    def expanded(self) -> tuple[NameSearched, ...]:
        """The names for which more than the typed name was searched (what the page tells)."""
        return tuple(name for name in self.names if name.also)


def read_search(query: str, *, literal: bool = False) -> ArticleSearch:
    """Read `query` (websearch syntax on PostgreSQL): runs of plain words that name a vocabulary term
    become names; the rest, quoted phrases and `-word` exclusions included, stays as typed."""
    query = " ".join(query.split())
    tokens = query.split(" ") if query else []
    if literal or not NAME_EXPANDERS or not tokens:
        return ArticleSearch(query, query, literal=literal)
    free = _free_tokens(tokens)
    candidates = {}
    for start in range(len(tokens)):
        for end in range(start + 1, min(start + MAX_NAME_WORDS, len(tokens)) + 1):
            if not all(free[start:end]):
                break
            phrase = " ".join(tokens[start:end]).strip(_AROUND_WORD)
            if phrase:
                candidates[(start, end)] = phrase
    known: dict[str, TermNames] = {}
    for expand in NAME_EXPANDERS:
        known.update(expand(sorted(set(candidates.values()))))
    names, rest, start = [], [], 0
    while start < len(tokens):
        for end in range(min(start + MAX_NAME_WORDS, len(tokens)), start, -1):
            phrase = candidates.get((start, end))
            if phrase in known:
                found = known[phrase]
                variants = [phrase] + [n for n in found.names if n.casefold() != phrase.casefold()]
                names.append(NameSearched(phrase, found.term, tuple(variants)))
                start = end
                break
        else:
            rest.append(tokens[start])
            start += 1
    return ArticleSearch(query, " ".join(rest), tuple(names))


def _free_tokens(tokens: list[str]) -> list[bool]:
    """Which tokens may be part of a name: not inside or at a quotation mark, not an exclusion (-word),
    and neither the websearch operator OR nor a word beside it (its operands keep their meaning)."""
    free, quoted = [], False
    for token in tokens:
        quotes = token.count('"')
        free.append(not quoted and not quotes and not token.startswith("-"))
        if quotes % 2:
            quoted = not quoted
    for at, token in enumerate(tokens):
        if token == "OR":
            free[max(at - 1, 0) : at + 2] = [False] * len(free[max(at - 1, 0) : at + 2])
    return free


def name_pattern(names: Iterable[str]) -> str:
    """A regular expression matching any of these names as whole words, spaces as any whitespace."""
    escaped = {r"\s+".join(map(re.escape, name.split())) for name in names}
    alternatives = sorted(escaped, key=len, reverse=True)
    return r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"


def matching(search: ArticleSearch) -> tuple[dict, Q]:
    """(alias, condition) for articles matching `search` on PostgreSQL: the other words in websearch
    syntax, and for each name one of its variants as a phrase."""
    parts = [SearchQuery(search.words, config="english", search_type="websearch")] if search.words else []
    for name in search.names:
        phrases = [SearchQuery(variant, config="english", search_type="phrase") for variant in name.names]
        parts.append(reduce(or_, phrases))
    query = reduce(and_, parts)
    condition = Q(search_vector=query) | Q(search_vector__isnull=True, live_vector=query)
    return {"live_vector": ARTICLE_SEARCH_VECTOR}, condition


def plain_matching(search: ArticleSearch) -> Q:
    """The condition on SQLite: every other word anywhere in the title, authors or text; each name, or
    one of its variants, there as whole words."""
    condition = Q()
    for word in search.words.split():
        condition &= Q(title__icontains=word) | Q(authors__icontains=word) | Q(body__icontains=word)
    for name in search.names:
        pattern = name_pattern(name.names)
        condition &= Q(title__iregex=pattern) | Q(authors__iregex=pattern) | Q(body__iregex=pattern)
    return condition


def index_articles(article_ids: Iterable[int], using: str = "default") -> None:
    """Store the search vectors of these articles (PostgreSQL; nothing to do on SQLite)."""
    if connections[using].vendor != "postgresql":
        return
    from corpus.models import Article

    Article.objects.using(using).filter(pk__in=list(article_ids)).update(search_vector=ARTICLE_SEARCH_VECTOR)

"""Vocabulary suggestions in the reader: the names of active terms that spaCy finds in an article.

A name (label or alias) that belongs to more than one active term is ambiguous ("Tehran": Iran or
its government?) and suggests nothing. Suggestions are cached per article, body and vocabulary
version; the version is read in two cheap aggregate queries, so any edit of the vocabulary
(a term added, edited, retired or merged; an alias added, removed or moved) shows at once.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.http import HttpRequest

from annotations.models import Alias, Span, Term
from corpus.models import Article
from corpus.nlp import phrase_matches

SESSION_KEY = "hide_suggestions"
CACHE_SECONDS = 24 * 60 * 60

Suggestion = tuple[int, int, int]  # start, end (code points, end exclusive), term id


def suggestions_shown(request: HttpRequest) -> bool:
    """Suggestions are on for the site (MARGINALIA_SUGGESTIONS) and not hidden by this analyst."""
    return getattr(settings, "MARGINALIA_SUGGESTIONS", True) and not request.session.get(SESSION_KEY, False)


def vocabulary_version() -> str:
    """Changes whenever a name of an active term can have changed. Term.updated_at moves on every
    save (edit, retire, merge, bring back); aliases are only added, removed or moved to another
    term, which the count, the highest id and the sum of term ids see."""
    terms = Term.objects.order_by().aggregate(n=Count("pk"), top=Max("pk"), at=Max("updated_at"))
    aliases = Alias.objects.order_by().aggregate(n=Count("pk"), top=Max("pk"), terms=Sum("term_id"))
    raw = f"{terms['n']}:{terms['top']}:{terms['at']}:{aliases['n']}:{aliases['top']}:{aliases['terms']}"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def vocabulary_phrases() -> tuple[list[tuple[str, int]], dict[int, str]]:
    """(name, term id) for every label and alias of an active term, ambiguous names left out;
    and the label of each active term."""
    active = Term.objects.active()
    terms = list(active.values_list("pk", "label", "label_key"))
    names = [(label, key, pk) for pk, label, key in terms]
    names += Alias.objects.filter(term__in=active).values_list("name", "key", "term_id")
    holders: dict[str, set[int]] = {}
    for _name, key, term_id in names:
        holders.setdefault(key, set()).add(term_id)
    phrases = {(name, term_id) for name, key, term_id in names if key and len(holders[key]) == 1}
    return sorted(phrases), {pk: label for pk, label, _key in terms}


def suggestions_for(article: Article, passages: Sequence | None = None) -> list[Suggestion]:
    """(start, end, term id) of each vocabulary name in the article, in reading order, except those
    that overlap a live passage. `passages` are the article's live passages if the caller has
    them (anything with `start` and `end`); otherwise they are read."""
    return suggestions_with_labels(article, passages)[0]


def suggestions_with_labels(
    article: Article, passages: Sequence | None = None
) -> tuple[list[Suggestion], dict[int, str]]:
    """suggestions_for(), and the label of each suggested term (for the underline's title)."""
    version = vocabulary_version()
    key = f"suggestions:{article.pk}:{article.sha256}:{version}"
    cached = cache.get(key)
    if cached is None:
        phrases, all_labels = vocabulary_phrases()
        found = phrase_matches(article.body, version, phrases) if article.body else []
        cached = (found, {term_id: all_labels[term_id] for _start, _end, term_id in found})
        cache.set(key, cached, CACHE_SECONDS)
    found, labels = cached
    if passages is None:
        passages = Span.objects.live().in_article(article).only("start", "end")
    return outside(found, [(p.start, p.end) for p in passages]), labels


def outside(suggestions: list[Suggestion], covered: list[tuple[int, int]]) -> list[Suggestion]:
    """The suggestions that overlap none of the covered ranges."""
    if not covered:
        return list(suggestions)
    # Merge the ranges into disjoint ones, then look each suggestion up by bisection.
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(covered):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    kept = []
    for suggestion in suggestions:
        start, end = suggestion[0], suggestion[1]
        i = bisect.bisect_left(starts, end) - 1  # the last range starting before this one ends
        if i < 0 or ends[i] <= start:
            kept.append(suggestion)
    return kept

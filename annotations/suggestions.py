"""Vocabulary suggestions in the reader: the mentions of actors the rules find in an article
(annotations/mentions/), less the pairs analysts rejected there and what passages already cover.

Each suggestion is certain (a name of the vocabulary that one term holds), confirm (inferred: a
capital for its government, a people for its state, a near miss…) or new (a name that looks like
a person or an organisation and matches no term: "new actor?").

Shared state for several processes: the vocabulary's version is one row (VocabularyVersion),
bumped in the same transaction as any change of a term or an alias. Each process compiles the
vocabulary once per version (`vocabulary_index`, built ahead by `warm()`); each article's
suggestions are kept in Django's cache (Redis when CACHE_URL/REDIS_URL is set) under its body's
hash and the version, so every worker reuses what one computed.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.http import HttpRequest

from annotations.history import record
from annotations.mentions.index import AliasRow, TermRow, VocabularyIndex, build_index
from annotations.mentions.rules import CERTAIN, CONFIRM, NEW, Mention, find_mentions, mention_key
from annotations.models import Alias, Change, Span, SuggestionRejection, Term, VocabularyVersion
from annotations.models.base import clip
from annotations.permissions import is_lead
from corpus.models import Article
from ops.compiled import Compiled

__all__ = ["CERTAIN", "CONFIRM", "NEW", "Mention", "Suggestion"]

log = logging.getLogger(__name__)

SESSION_KEY = "hide_suggestions"
CACHE_SECONDS = 24 * 60 * 60
# Part of every cache key: a deploy whose rules find other mentions never reads the old ones.
RULES_VERSION = "2"

# Change.object_type of a suggestion's rejection (the model's name is longer than the column).
REJECTION = "rejection"

Suggestion = Mention  # start, end (code points, end exclusive), term id (None: a new actor), …

_compiled: tuple[str, VocabularyIndex] | None = None
_compiling = threading.Lock()


def suggestions_shown(request: HttpRequest) -> bool:
    """Suggestions are on for the site (MARGINALIA_SUGGESTIONS) and not hidden by this analyst."""
    return getattr(settings, "MARGINALIA_SUGGESTIONS", True) and not request.session.get(SESSION_KEY, False)


def vocabulary_version() -> str:
    """Changes with every change of a term or an alias (one primary-key read)."""
    return VocabularyVersion.key()


def vocabulary_index(version: str | None = None) -> VocabularyIndex:
    """The vocabulary compiled for the rules, built once per version in this process."""
    global _compiled
    version = version or vocabulary_version()
    compiled = _compiled
    if compiled is not None and compiled[0] == version:
        return compiled[1]
    with _compiling:  # one build per process, however many threads ask at once
        if _compiled is None or _compiled[0] != version:
            _compiled = (version, _load_index())
        return _compiled[1]


def _load_index() -> VocabularyIndex:
    """Three queries: the terms, their names, and which generic names an analyst added."""
    terms, retired_ids, retired = [], set(), []
    for pk, label, kind, actor_type, country, retired_at in Term.objects.order_by("pk").values_list(
        "pk", "label", "kind", "actor_type", "country", "retired_at"
    ):
        if retired_at is None:
            terms.append(TermRow(pk, label, kind, actor_type, country))
        else:
            retired_ids.add(pk)
            retired.append(label)
    rows = []
    for pk, term_id, name in Alias.objects.order_by("pk").values_list("pk", "term_id", "name"):
        if term_id in retired_ids:
            retired.append(name)  # never offered as a new actor
        else:
            rows.append((pk, term_id, name))
    # A generic name ("protesters") counts only if an analyst added it in the app: its history says who.
    generic = [pk for pk, _term, name in rows if not any(char.isupper() for char in name)]
    added = set()
    for start in range(0, len(generic), 2000):
        added.update(
            Change.objects.filter(
                object_type="alias",
                action=Change.Action.CREATE,
                actor__isnull=False,
                object_id__in=generic[start : start + 2000],
            ).values_list("object_id", flat=True)
        )
    return build_index(terms, [AliasRow(term, name, pk in added) for pk, term, name in rows], retired)


def warm() -> bool:
    """Build the spaCy pipeline and compile the vocabulary now, so that the first reader of a new
    process does not wait for them (call it at start-up, e.g. in gunicorn's `when_ready` with
    `preload_app`, so workers share the result). False, and nothing built, if the database is not
    ready (not migrated yet)."""
    from corpus.nlp import pipeline

    pipeline()
    try:
        vocabulary_index()
    except DatabaseError:
        log.warning("Vocabulary suggestions not warmed: the database is not ready.")
        return False
    return True


def mentions_in(text: str) -> list[Mention]:
    """The rules on any text with the current vocabulary (not cached; no rejections): e.g. to
    pre-fill a claim's speaker from a passage."""
    return find_mentions(text, vocabulary_index())


def vocabulary_phrases() -> tuple[list[tuple[str, int]], dict[int, str]]:
    """(name, term id) for every label and alias of an active term, ambiguous names left out;
    and the label of each active term. (For corpus.nlp.phrase_matches; mentions_in is the rules.)"""
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
    """The article's suggestions in reading order (start, end, term id, certainty, kind, …),
    except the pairs rejected in this article and those overlapping a live passage. `passages`
    are the article's live passages if the caller has them (anything with `start` and `end`);
    otherwise they are read. Computing them fills the cache that the reader reads."""
    return suggestions_with_labels(article, passages)[0]


def suggestions_with_labels(
    article: Article, passages: Sequence | None = None
) -> tuple[list[Suggestion], dict[int, str]]:
    """suggestions_for(), and the label of every term the rules find in the article (the reader lists
    them once, for the card that names a suggestion's term)."""
    found, labels = article_mentions(article)
    found = without_rejected(found, article)
    if passages is None:
        passages = Span.objects.live().in_article(article).only("start", "end")
    return outside(found, [(p.start, p.end) for p in passages]), labels


def mentions_key(article: Article, version: str) -> str:
    """The cache key of the article's mentions under this vocabulary version."""
    return f"suggestions:{RULES_VERSION}:{article.pk}:{article.sha256}:{version}"


def cache_is_shared() -> bool:
    """Whether the default cache is one every process reads (Redis: CACHE_URL or REDIS_URL), rather than
    each process's own memory."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def warm_article(article: Article) -> bool:
    """Compute an analysed article's mentions ahead of its first reading, where that helps: only into a
    cache the web processes share. With each process's own memory the worker (which analyses uploads)
    would keep them to itself, and the reader computes them on its first open anyway. True if warmed."""
    if not cache_is_shared():
        return False
    article_mentions(article)
    return True


# The mentions of the articles this process read last, by cache key. The key names the body and the
# vocabulary version, so an entry is never stale; without it every repaint unpickled the cache's copy
# (or fetched it from Redis). Read-only: callers build new lists from it.
RECENT_ARTICLES = 32
_recent: OrderedDict[str, tuple[list[Mention], dict[int, str]]] = OrderedDict()
_recent_lock = threading.Lock()


def forget_recent() -> None:
    """Empty this process's memory of recent mentions (tests that empty the cache)."""
    with _recent_lock:
        _recent.clear()


def article_mentions(article: Article) -> tuple[list[Mention], dict[int, str]]:
    """Every mention the rules find in the article: from this process's recent ones, from the cache, or
    computed once."""
    version = vocabulary_version()
    key = mentions_key(article, version)
    with _recent_lock:
        cached = _recent.get(key)
        if cached is not None:
            _recent.move_to_end(key)
            return cached
    cached = cache.get(key)
    if cached is None:
        index = vocabulary_index(version)
        found = find_mentions(article.body, index) if article.body else []
        cached = (found, {m.term: index.label(m.term) for m in found if m.term is not None})
        cache.set(key, cached, CACHE_SECONDS)
    with _recent_lock:
        _recent[key] = cached
        while len(_recent) > RECENT_ARTICLES:
            _recent.popitem(last=False)
    return cached


# Read with every repaint of a paragraph: compiled once (ops/compiled.py).
_rejections = Compiled(
    lambda article: SuggestionRejection.objects.filter(article_id=article).values_list("key", "term_id")
)


def rejections_ahead(article_id: int) -> None:
    """This request will repaint suggestions: read the article's rejections along with its next query
    (Compiled.ahead)."""
    _rejections.ahead(article=article_id)


def without_rejected(found: list[Mention], article: Article) -> list[Mention]:
    rejected = set(_rejections(article=article.pk))
    if not rejected:
        return found
    return [mention for mention in found if (mention.key, mention.term) not in rejected]


def reject(
    article: Article, start: int, end: int, term: Term | None, label: str, *, by
) -> SuggestionRejection:
    """Hide this name as this term (or as a new actor) in this article, for everyone; counted once
    per article and pair, however often it is rejected. The first rejection of a pair is recorded in
    the history (the article's activity, and the term's page); a lead's restore_rejections undoes it."""
    text = article.body[start:end]
    key = mention_key(text)
    match = Q(article=article, key=key) & (Q(term=term) if term is not None else Q(term__isnull=True))
    existing = SuggestionRejection.objects.filter(match).first()
    if existing is not None:
        return existing
    found = next((m for m in article_mentions(article)[0] if m.start == start and m.end == end), None)
    with transaction.atomic():
        rejection, created = SuggestionRejection.objects.get_or_create(
            article=article,
            key=key,
            term=term,
            defaults={
                "text": text[:200],
                "label": label[:200],
                "start": start,
                "rejected_by": by if by is not None and by.is_authenticated else None,
                "certainty": found.certainty if found else "",
                "kind": found.kind if found else "",
            },
        )
        if created:
            record(
                by,
                Change.Action.CREATE,
                rejection,
                f"Rejected the suggestion “{clip(rejection.text)}” as {_as_what(rejection)}",
                after=_rejection_snapshot(rejection),
                article_id=article.pk,
                term_id=rejection.term_id,
                object_type=REJECTION,
            )
    return rejection


def restore_rejections(key: str, term_id: int | None, *, by) -> int:
    """For leads: let a rejected pair (a folded name and a term, or None for "new actor?") be suggested
    again in every article. Each rejection removed is recorded in the history with what it held, so the
    activity of each article says who let the name back. Returns how many were removed."""
    if not is_lead(by):
        raise PermissionDenied("Only leads see and restore rejected suggestions.")
    rejections = SuggestionRejection.objects.filter(key=key)
    rejections = rejections.filter(term_id=term_id) if term_id else rejections.filter(term__isnull=True)
    with transaction.atomic():
        removed = list(rejections.select_for_update(of=("self",)).select_related("term").order_by("pk"))
        for rejection in removed:
            record(
                by,
                Change.Action.DELETE,
                rejection,
                f"Let “{clip(rejection.text)}” be suggested as {_as_what(rejection)} again",
                before=_rejection_snapshot(rejection),
                article_id=rejection.article_id,
                term_id=rejection.term_id,
                object_type=REJECTION,
            )
        SuggestionRejection.objects.filter(pk__in=[rejection.pk for rejection in removed]).delete()
    return len(removed)


def _as_what(rejection: SuggestionRejection) -> str:
    return rejection.term.label if rejection.term_id else "a new actor"


def _rejection_snapshot(rejection: SuggestionRejection) -> dict:
    return {
        "text": rejection.text,
        "key": rejection.key,
        "term": rejection.term.slug if rejection.term_id else None,
        "label": rejection.label,
        "certainty": rejection.certainty,
        "kind": rejection.kind,
        "start": rejection.start,
        "rejected_by": rejection.rejected_by.get_username() if rejection.rejected_by_id else None,
    }


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

"""What an agreement report covers: one article, a saved set, or an assignment.

- article: every analyst's passages on it;
- saved set: the articles its passages come from (the set's filter chooses articles, and every
  analyst's passages on those articles are compared: comparing only the passages a filter keeps would
  count a passage tagged differently by the other analyst as missing);
- assignment: its articles, and only the analysts assigned them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from annotations.models import Assignment, SavedSet
from corpus.models import Article
from ops.inputs import parse_id


class ScopeError(ValueError):
    """The request names no scope, several, or one that does not exist; the message says which."""


@dataclass
class Scope:
    kind: str  # article | set | assignment
    pk: int
    label: str
    articles: QuerySet[Article]
    coders: list[AbstractBaseUser] | None = None
    assignment: Assignment | None = None

    @property
    def query(self) -> str:
        return f"{self.kind}={self.pk}"


def scope_for(
    *,
    article: str | int | None = None,
    saved_set: SavedSet | str | int | None = None,
    assignment=None,
    viewer: Any = None,
) -> Scope:
    """The scope named by one of article, saved_set, assignment. `viewer`: a saved set's articles are
    those of the passages it finds for them (independent coding: what they may not see chooses none)."""
    given = [
        name
        for name, value in (("article", article), ("set", saved_set), ("assignment", assignment))
        if value
    ]
    if len(given) != 1:
        raise ScopeError("Choose one of: an article, a saved set or an assignment.")
    if article:
        found = Article.objects.filter(pk=_as_id(article, "article")).only("pk", "title").first()
        if found is None:
            raise ScopeError(f"There is no article with id {article}.")
        return Scope("article", found.pk, f"article “{found.title}”", Article.objects.filter(pk=found.pk))
    if saved_set:
        found = saved_set if isinstance(saved_set, SavedSet) else None
        found = found or SavedSet.objects.filter(pk=_as_id(saved_set, "saved set")).first()
        if found is None:
            raise ScopeError(f"There is no saved set {saved_set}.")
        if not found.filter_form().is_valid():
            raise ScopeError(f"The saved set “{found.name}” no longer makes a valid filter.")
        found_spans = found.filter_form().spans(viewer=viewer)
        articles = Article.objects.filter(pk__in=found_spans.values("article_id"))
        return Scope("set", found.pk, f"saved set “{found.name}”", articles)
    found = Assignment.objects.filter(pk=_as_id(assignment, "assignment")).first()
    if found is None:
        raise ScopeError(f"There is no assignment {assignment}.")
    return Scope(
        "assignment",
        found.pk,
        f"assignment “{found}”",
        Article.objects.filter(assigned__assignment=found).distinct(),
        coders=list(found.analysts()),
        assignment=found,
    )


def _as_id(value, what: str) -> int:
    text = str(value).strip()
    if parse_id(text) is None:
        raise ScopeError(f"A {what} is chosen by its id (a number), not “{text}”.")
    return int(text)

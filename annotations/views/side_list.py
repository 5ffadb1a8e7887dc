"""The reader's side list and activity: paged, loaded as they scroll into view, kept current by each
save's answer rather than fetched again.

The side list shows the article's passages in reading order, filtered by term, role and analyst,
PAGE at a time. The first page comes with the reader. While more remain, the list ends in a sentinel,
`<li id="side-list-more" data-after="KEY">`, whose link loads the next page (keyset: the passages after
KEY, the last one shown) when it scrolls into view, when clicked, or on `j` past the last one loaded;
without JavaScript it is a plain link to the reader with `?after=KEY`.

A save answers with the one item it changed (views/repaint.py). To place it the server must know which
list the browser shows: reader.js sends it with every request, in the X-Side-List header (the filter's
query string, plus `after=KEY` while the sentinel is there). Without that header the list is taken as
unfiltered and wholly loaded.

The activity is the article's history, newest first, ACTIVITY_PAGE at a time, with a sentinel of the
same kind (`#activity-more`, `?before=CHANGE_ID`; without JavaScript the reader shows that page).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from annotations.models import Change, Refused, Span, SpanQuerySet, SpanRow, Tag, Term
from annotations.rendering import render_passage_list
from corpus.models import Article
from ops.inputs import parse_id, parse_offset

PAGE = 100
ACTIVITY_PAGE = 20
HEADER = "X-Side-List"

Key = tuple[int, int, int]  # a passage's place in reading order: Span.reading_key


def format_key(key: Key) -> str:
    start, neg_end, pk = key
    return f"{start}.{-neg_end}.{pk}"


def parse_key(value: str) -> Key:
    """START.END.ID (offsets and a passage id, ops.inputs' rules); anything else is refused (400)."""
    parts = value.split(".")
    if len(parts) == 3:
        start, end, pk = parse_offset(parts[0]), parse_offset(parts[1]), parse_id(parts[2])
    if len(parts) != 3 or start is None or end is None or pk is None:
        raise Refused(f"“{value[:40]}” is not a place in the side list (START.END.ID).", status=400)
    return (start, -end, pk)


@dataclass(frozen=True)
class SideList:
    """The side list as the browser shows it: its filter, and the last passage loaded while more remain
    (`loaded_to`; None when the whole list is loaded)."""

    term: str = ""
    role: str = ""
    who: str = ""
    loaded_to: Key | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> SideList:
        """From the reader's query string or the X-Side-List header; a malformed value is refused (400)."""
        term, role, who = (query.get(name, "").strip() for name in ("term", "role", "who"))
        if term and parse_id(term) is None:
            raise Refused(f"The term filter “{term[:40]}” is not a term id.", status=400)
        if role and role not in Tag.Role.values:
            raise Refused(f"“{role[:40]}” is not a role; use {', '.join(Tag.Role.values)}.", status=400)
        if who not in ("", "mine"):
            raise Refused(f"The analyst filter is “mine” or empty, not “{who[:40]}”.", status=400)
        after = query.get("after", "").strip()
        return cls(str(parse_id(term)) if term else "", role, who, parse_key(after) if after else None)

    @classmethod
    def of_request(cls, request: HttpRequest) -> SideList:
        """The list the browser shows, as reader.js reports it with each request."""
        header = request.headers.get(HEADER)
        return cls.from_query(QueryDict(header)) if header is not None else cls()

    @property
    def filters(self) -> dict[str, str]:
        return {"term": self.term, "role": self.role, "who": self.who}

    @property
    def filtered(self) -> bool:
        return bool(self.term or self.role or self.who)

    @property
    def by_tag(self) -> bool:
        return bool(self.term or self.role)

    def query(self, **extra: str) -> str:
        """The filter as a query string (empty values left out), with `extra` parameters."""
        return urlencode({name: value for name, value in {**self.filters, **extra}.items() if value})

    def passages(self, article: Article, user) -> SpanQuerySet:
        """The queryset of the passages this list holds, in reading order."""
        spans = Span.objects.in_reader(article, user).tagged_with(self.term or None, self.role)
        if self.who == "mine":
            spans = spans.by(user)
        return spans.in_reading_order()

    def page(self, article: Article, user, after: Key | None = None) -> tuple[list[SpanRow], Key | None]:
        """PAGE passages after `after` (from the start when None), and the key to continue from, or None
        when none remain."""
        spans = self.passages(article, user)
        if after is not None:
            spans = spans.after(after)
        rows = spans[: PAGE + 1].for_reader()
        return rows[:PAGE], (rows[PAGE - 1].reading_key if len(rows) > PAGE else None)

    def matches(self, span, user) -> bool:
        """Does this passage (with `tag_list`) pass the filter?"""
        if self.who == "mine" and span.created_by_id != user.pk:
            return False
        return not self.by_tag or any(self._takes(tag.term_id, tag.role) for tag in span.tag_list)

    def lists(self, span: Span, user) -> bool:
        """Does the browser's list show this passage now? Asked before a change, to know afterwards
        whether its item is to be replaced, deleted or inserted."""
        if span.is_deleted or not self.holds(span.reading_key):
            return False
        if self.who == "mine" and span.created_by_id != user.pk:
            return False
        return not self.by_tag or any(self._takes(*tag) for tag in span.tags.values_list("term_id", "role"))

    def _takes(self, term_id: int, role: str) -> bool:
        return (not self.term or str(term_id) == self.term) and (not self.role or role == self.role)

    def holds(self, key: Key) -> bool:
        """Is this place in reading order within what the browser has loaded?"""
        return self.loaded_to is None or key <= self.loaded_to


def terms_used(article: Article, user, term_ids: set[int] | None = None) -> list[Term]:
    """The terms of the passages on the article, for the side list's term menu (`term_ids` when the
    caller has them: BodyRows.term_ids)."""
    if term_ids is None:
        terms = Term.objects.filter(tags__span__in=Span.objects.in_reader(article, user)).distinct()
    else:
        terms = Term.objects.filter(pk__in=term_ids)
    return sorted(terms, key=lambda term: (term.kind, term.label.casefold()))


def side_list_context(request: HttpRequest, article: Article, side: SideList) -> dict:
    """What the side list's partials need: the page after `side.loaded_to` (from the start when None)."""
    rows, more = side.page(article, request.user, side.loaded_to)
    return {
        "article": article,
        "side": side,
        "filters": side.filters,
        "passages": rows,
        # Built in Python (rendering.py): a template loop costs ten times as much.
        "passages_html": mark_safe(render_passage_list(rows)),
        "more_key": format_key(more) if more else "",
        "more_query": side.query(after=format_key(more)) if more else "",
    }


@require_GET
def side_list(request: HttpRequest, article_id: int) -> HttpResponse:
    """Without `after`: the whole list for a new filter, with the term menu. With it: the next page, to
    take the sentinel's place."""
    article = get_object_or_404(Article, pk=article_id)
    try:
        side = SideList.from_query(request.GET)
    except Refused as refused:
        return render(request, "annotations/reader.html#refusal", {"message": refused.message}, status=400)
    context = side_list_context(request, article, side)
    if side.loaded_to is not None:
        return render(request, "annotations/reader.html#side-list-page", context)
    context.update({"terms_used": terms_used(article, request.user), "oob": True})
    return render(request, "annotations/reader.html#side-list", context)


def parse_before(query: QueryDict) -> int | None:
    """The activity's cursor, `?before=CHANGE_ID`; a malformed one is refused (400)."""
    before = query.get("before", "").strip()
    if not before:
        return None
    change_id = parse_id(before)
    if change_id is None:
        raise Refused(f"“{before[:40]}” is not a change id.", status=400)
    return change_id


def activity_context(article: Article, user, before: int | None = None) -> dict:
    """A page of the activity: the changes older than `before` (from the newest when None)."""
    changes = Change.objects.in_reader(article, user).select_related("actor")
    if before is not None:
        last = Change.objects.in_reader(article, user).filter(pk=before).first()
        changes = changes.before(last) if last else changes.none()
    page = list(changes[: ACTIVITY_PAGE + 1])
    return {
        "article": article,
        "changes": page[:ACTIVITY_PAGE],
        "activity_before": before,
        "older": page[ACTIVITY_PAGE - 1].pk if len(page) > ACTIVITY_PAGE else None,
    }


@require_GET
def article_activity(request: HttpRequest, article_id: int) -> HttpResponse:
    """The activity's next page (`?before=CHANGE_ID`, to take its sentinel's place), or its first.
    Without htmx (JavaScript off) the reader itself shows that page."""
    article = get_object_or_404(Article, pk=article_id)
    if not request.htmx:
        return redirect(f"{article.get_absolute_url()}?{request.GET.urlencode()}#activity")
    try:
        before = parse_before(request.GET)
    except Refused as refused:
        return render(request, "annotations/reader.html#refusal", {"message": refused.message}, status=400)
    context = activity_context(article, request.user, before)
    template = "annotations/reader.html#activity-page" if before else "annotations/reader.html#activity"
    return render(request, template, context)

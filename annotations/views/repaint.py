"""What a change answers in the reader: one response that carries every part of the page the change
touched, so that the page fetches nothing after a save.

The response's main content is the passage's panel (the request's target, `#span-panel`). Out of band,
by id (htmx `hx-swap-oob`):
- `p-N`: each paragraph the passage lies in, repainted, when its highlight or its claim marker changed;
- `passage-count`: the number of passages, when one was made, deleted or restored;
- `passage-ID`: the passage's side-list item (tags, claims, notes), replaced, deleted, or inserted
  before the next item the browser shows (`beforebegin:#passage-NEXT`, or at the end of a wholly
  loaded list): side_list.SideList says which list the browser shows;
- `activity`: the history lines the change wrote, put at the top (`afterbegin:#activity`).
The analyst's last terms (`#recent-terms`, keys 1–9) are reordered by reader.js from the panel.
It also triggers the `spanSaved` event ({"id", "deleted"}) for scripts that care; nothing fetches on it.
A claim's save (views/claims.py) answers the same way, with its passage's panel, and triggers
`claimSaved` ({"id", "span", "deleted"}) instead; a rejected suggestion (views/suggestions.py) answers
with the repainted paragraphs alone.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django_htmx.http import trigger_client_event

from annotations.models import BodyRow, Change, Claim, Note, PassageCount, Span, Tag, VocabularyVersion
from annotations.models.claims import attach_claim_rows
from annotations.models.visibility import blind_rows_ahead, hides_nothing
from annotations.permissions import can_change
from annotations.rendering import (
    paragraph_bounds,
    paragraphs_touching,
    render_paragraphs,
    render_passage_item,
)
from annotations.suggestions import rejections_ahead, suggestions_for, suggestions_shown
from annotations.views.side_list import SideList
from corpus.models import Article
from ops.compiled import Compiled

HISTORY_LENGTH = 30
# A paragraph with more passages than this is repainted in part after a save (paragraphs_html).
CROWDED = 40


def read_ahead(request: HttpRequest, article_id: int) -> None:
    """What a save's answer reads whatever the save changes, read along with the request's next query
    (ops/compiled.py Compiled.ahead: one round trip on PostgreSQL instead of four): the vocabulary's
    version (the save's term, the repaint's suggestions), who codes the article blind, and the
    suggestions rejected in it."""
    VocabularyVersion.key_ahead()
    blind_rows_ahead(article_id)
    if suggestions_shown(request):
        rejections_ahead(article_id)


def panel_context(request: HttpRequest, span: Span, *, fresh: bool = False) -> dict:
    """The panel shows the passage as it is now, tags with the roles their kind allows. `span` is as
    the request left it (read with its analyst, then changed in place by the model's methods).
    `fresh`: the passage was just made (Span.create_for) and nothing else changed it since: it carries
    its tags, notes and history already, and has no claims, so nothing is read again."""
    if not fresh:
        Span.attach_tags_and_notes([span], Note.objects.in_reader(span.article_id, request.user))
        history = Change.objects.in_reader(span.article_id, request.user).filter(span=span)
        history = list(history.select_related("actor")[:HISTORY_LENGTH])
    else:
        history = span.written
    for note in span.note_list:
        note.editable = can_change(request.user, note.author_id)
    return {
        "span": span,
        "can_edit": can_change(request.user, span.created_by_id),
        "history": history,
        "roles": Tag.Role.choices,
        # The panel's claims (templatetags/claim_tags.py span_claims): None, read there.
        "known_claims": [] if fresh else None,
    }


# The queries of a save's answer, compiled once (ops/compiled.py) for the usual case, an article whose
# work the rule hides from no one (visibility.hides_nothing): the same queries as in_reader's, then.
_open_rows = Compiled(
    lambda article, start, end: (
        Span.objects.live().filter(article_id=article).overlapping(start, end).in_reading_order().body_query()
    )
)
# The article's live passages, as the database keeps them (PassageCount): one row by its key, however
# many passages the article has.
_open_count = Compiled(lambda article: PassageCount.objects.filter(article_id=article).values_list("live"))


def _next_and_count(article, start, end, pk) -> QuerySet:
    """One row: the article's passage count, and (pk, start, end) of its first passage after the key
    (None, None, None at the end). A new passage's answer needs both: one query instead of two."""
    following = (
        Span.objects.live().filter(article_id=OuterRef("pk")).after((start, -end, pk)).in_reading_order()
    )
    fields = {f"next_{name}": Subquery(following.values(name)[:1]) for name in ("pk", "start", "end")}
    return (
        Article.objects.filter(pk=article)
        .order_by()  # one row: the list's ordering would only add a sort
        .annotate(passages=Subquery(_open_count.build(article=OuterRef("pk"))), **fields)
        .values_list("passages", "next_pk", "next_start", "next_end")
    )


# Read once per request: the side-list item asks the next passage, the answer's count the count.
_open_next = Compiled(_next_and_count, per_request=True)


def passage_count(request: HttpRequest, article: Article, side: SideList, key) -> int:
    """The article's passages the user sees; `key`, the changed passage's reading key, lets the count
    come from the one read that also finds the next passage (next_passage)."""
    values = _next_values(request, article, side, key)
    if values is not None:
        return _open_next(**values)[0][0] or 0
    if hides_nothing(request.user, article.pk):
        rows = _open_count(article=article.pk)
        return rows[0][0] if rows else 0
    return Span.objects.in_reader(article, request.user).count()


def _next_values(request: HttpRequest, article: Article, side: SideList, key) -> dict | None:
    """The values of the one read of the count and the next passage, where it applies."""
    if not side.filtered and hides_nothing(request.user, article.pk):
        return {"article": article.pk, "start": key[0], "end": -key[1], "pk": key[2]}
    return None


def next_passage_ahead(request: HttpRequest, article: Article, side: SideList, key) -> None:
    """The answer will ask next_passage (the side-list item) or passage_count, both from one read:
    send it along with the repaint's read (Compiled.ahead)."""
    values = _next_values(request, article, side, key)
    if values is not None:
        _open_next.ahead(**values)


def next_passage(request: HttpRequest, article: Article, side: SideList, key) -> tuple | None:
    """(pk, start, end) of the first passage after `key` in the list the browser shows, if any."""
    values = _next_values(request, article, side, key)
    if values is not None:
        ((_, *following),) = _open_next(**values)
        return tuple(following) if following[0] is not None else None
    return side.passages(article, request.user).after(key).values_list("pk", "start", "end").first()


def paragraphs_html(
    request: HttpRequest, article: Article, indexes: list[int], changed: Span | None = None
) -> str:
    """These paragraphs (indexes in order), repainted for out-of-band swaps, with the vocabulary
    suggestions that no passage covers now (when the analyst has them shown). A change to a passage
    repaints the paragraphs it lies in (`paragraphs_touching`); a rejected suggestion, those that showed
    it (views/suggestions.py).

    With the `changed` passage, a crowded paragraph (more than CROWDED passages in it) is not sent
    whole: only its parts between the nearest boundaries of other passages around the changed one
    (rendering.py `ranges`; reader.js puts them in place), so that a save's answer stays small however
    many passages the paragraph holds."""
    bounds = paragraph_bounds(article.body)
    start, end = bounds[indexes[0]][0], bounds[indexes[-1]][1]
    # Widened by one so that an empty paragraph (start == end) still gives a non-empty range.
    if hides_nothing(request.user, article.pk):
        rows = [BodyRow(*row) for row in _open_rows(article=article.pk, start=start, end=end + 1)]
    else:
        spans = Span.objects.in_reader(article, request.user).overlapping(start, end + 1)
        rows = spans.in_reading_order().for_body()
    found = suggestions_for(article, rows) if suggestions_shown(request) else []
    ranges = changed_ranges(bounds, indexes, rows, changed) if changed is not None else None
    rendered = render_paragraphs(article.body, rows, only=indexes, suggestions=found, ranges=ranges)
    return "".join(html.replace("<p ", '<p hx-swap-oob="true" ', 1) for html in rendered.values())


def changed_ranges(
    bounds: list[tuple[int, int]], indexes: list[int], rows: list[BodyRow], changed: Span
) -> dict[int, tuple[int, int]]:
    """For each crowded paragraph of `indexes`, the stretch a change to `changed` can alter: from the
    last boundary of another passage (or the paragraph's start) at or before it, to the first one at or
    after it (or the paragraph's end). The browser's paragraph has boundaries there too, since only the
    changed passage's own come and go."""
    ranges = {}
    for index in indexes:
        p_start, p_end = bounds[index]
        others = [row for row in rows if row.pk != changed.pk and row.start < p_end and row.end > p_start]
        if len(others) <= CROWDED:
            continue
        start, end = max(changed.start, p_start), min(changed.end, p_end)
        cuts = {p_start, p_end} | {row.start for row in others} | {row.end for row in others}
        ranges[index] = (
            max(cut for cut in cuts if cut <= start and cut >= p_start),
            min(cut for cut in cuts if cut >= end and cut <= p_end),
        )
    return ranges


def side_item_html(
    request: HttpRequest, article: Article, span: Span, side: SideList, was_listed: bool, fresh: bool = False
) -> str:
    """The passage's side-list item, out of band: where it is now shown, replaced; where it no longer
    is, deleted; where it newly is, inserted in reading order. `span` carries `tag_list` and `note_list`."""
    key = span.reading_key
    listed = not span.is_deleted and side.matches(span, request.user) and side.holds(key)
    if listed and not fresh:  # a passage just made has no claims
        attach_claim_rows([span], Claim.objects.in_reader(article, request.user))  # the item shows them
    if was_listed and listed:
        return render_passage_item(span).replace("<li ", '<li hx-swap-oob="true" ', 1)
    if was_listed:
        return f'<li id="passage-{span.pk}" hx-swap-oob="delete"></li>'
    if not listed:
        return ""
    following = next_passage(request, article, side, key)
    if following is not None and side.holds((following[1], -following[2], following[0])):
        where = f"beforebegin:#passage-{following[0]}"
    elif following is None and side.loaded_to is None:
        where = "beforeend:#side-list"
    else:
        return ""  # it comes after what the browser has loaded: it will come with its page
    # Not an inline swap: htmx inserts the wrapper's children.
    return f'<ol hx-swap-oob="{where}">{render_passage_item(span)}</ol>'


def new_changes(request: HttpRequest, article: Article, since: dt.datetime) -> list[Change]:
    """The history lines this analyst's change wrote (since `since`), for the top of the activity."""
    changes = Change.objects.in_reader(article, request.user).filter(actor=request.user, at__gte=since)
    return list(changes.select_related("actor"))


def activity_html(request: HttpRequest, article: Article, since: dt.datetime) -> str:
    context = {"new_changes": new_changes(request, article, since)}
    return render_to_string("annotations/reader.html#activity-new", context, request)


def reader_answer(
    request: HttpRequest,
    span: Span,
    *,
    side: SideList,
    was_listed: bool,
    since: dt.datetime,
    repaint: bool = True,
    counted: bool = False,
    panel: dict | None = None,
    event: tuple[str, dict] | None = None,
    fresh: bool = False,
) -> HttpResponse:
    """The panel, and out of band what the change touched: the paragraphs (`repaint`), the passage count
    (`counted`), the side-list item, the activity. One template render for all of it. `panel` adds to
    the panel's context (a claim's save: the claim changed, for its Undo); `event` replaces `spanSaved`
    (a claim's save triggers `claimSaved`); `fresh`: the passage was just made, nothing read back
    (panel_context)."""
    article = span.article
    if counted:
        next_passage_ahead(request, article, side, span.reading_key)
    context = {**panel_context(request, span, fresh=fresh), **(panel or {})}
    # What the change wrote is the newest of the passage's history, which the panel has read already.
    written = [c for c in context["history"] if c.at >= since and c.actor_id == request.user.pk]
    context.update(
        {
            # Built in Python (rendering.py), escaped piece by piece there.
            "paragraphs_html": mark_safe(
                paragraphs_html(
                    request, article, paragraphs_touching(article.body, span.start, span.end), span
                )
                if repaint
                else ""
            ),
            "side_item_html": mark_safe(
                side_item_html(request, article, context["span"], side, was_listed, fresh)
            ),
            "new_changes": written,
        }
    )
    context["passage_count"] = passage_count(request, article, side, span.reading_key) if counted else None
    response = render(request, "annotations/reader.html#reader-answer", context)
    name, detail = event or ("spanSaved", {"id": span.pk, "deleted": span.is_deleted})
    return trigger_client_event(response, name, detail)

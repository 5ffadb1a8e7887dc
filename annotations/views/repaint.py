"""What a change answers in the reader: one response that carries every part of the page the change
touched, so that the page fetches nothing after a save.

The response's main content is the passage's panel (the request's target, `#span-panel`). Out of band,
by id (htmx `hx-swap-oob`):
- `p-N`: each paragraph the passage lies in, repainted, when its highlight changed;
- `passage-count`: the number of passages, when one was made, deleted or restored;
- `passage-ID`: the passage's side-list item, replaced, deleted, or inserted before the next item the
  browser shows (`beforebegin:#passage-NEXT`, or at the end of a wholly loaded list): side_list.SideList
  says which list the browser shows;
- `activity`: the history lines the change wrote, put at the top (`afterbegin:#activity`);
- `recent-terms`: the analyst's last terms, when a tag was added.
It also triggers the `spanSaved` event ({"id", "deleted"}) for scripts that care; nothing fetches on it.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_htmx.http import trigger_client_event

from annotations.models import Change, Span, Tag
from annotations.permissions import can_change
from annotations.rendering import (
    paragraph_bounds,
    paragraphs_touching,
    render_paragraphs,
    render_passage_item,
)
from annotations.suggestions import suggestions_shown, suggestions_with_labels
from annotations.views.side_list import SideList
from corpus.models import Article

HISTORY_LENGTH = 30


def panel_context(request: HttpRequest, span: Span) -> dict:
    """The panel shows the passage as it is now, tags with the roles their kind allows."""
    span = Span.objects.filter(pk=span.pk).with_tags_and_notes()[0]
    for note in span.note_list:
        note.editable = can_change(request.user, note.author_id)
    return {
        "span": span,
        "can_edit": can_change(request.user, span.created_by_id),
        "history": span.changes.select_related("actor")[:HISTORY_LENGTH],
        "roles": Tag.Role.choices,
    }


def paragraphs_html(request: HttpRequest, article: Article, span: Span) -> str:
    """The paragraphs this passage lies in, repainted, with the vocabulary suggestions that no passage
    covers now (when the analyst has them shown)."""
    indexes = paragraphs_touching(article.body, span.start, span.end)
    bounds = paragraph_bounds(article.body)
    start, end = bounds[indexes[0]][0], bounds[indexes[-1]][1]
    # Widened by one so that an empty paragraph (start == end) still gives a non-empty range.
    spans = Span.objects.in_reader(article, request.user).overlapping(start, end + 1).in_reading_order()
    rows = spans.for_body()
    found, labels = suggestions_with_labels(article, rows) if suggestions_shown(request) else ([], {})
    rendered = render_paragraphs(article.body, rows, only=indexes, suggestions=found, labels=labels)
    return "".join(html.replace("<p ", '<p hx-swap-oob="true" ', 1) for html in rendered.values())


def side_item_html(
    request: HttpRequest, article: Article, span: Span, side: SideList, was_listed: bool
) -> str:
    """The passage's side-list item, out of band: where it is now shown, replaced; where it no longer
    is, deleted; where it newly is, inserted in reading order. `span` carries `tag_list` and `note_list`."""
    key = span.reading_key
    listed = not span.is_deleted and side.matches(span, request.user) and side.holds(key)
    if was_listed and listed:
        return render_passage_item(span).replace("<li ", '<li hx-swap-oob="true" ', 1)
    if was_listed:
        return f'<li id="passage-{span.pk}" hx-swap-oob="delete"></li>'
    if not listed:
        return ""
    following = side.passages(article, request.user).after(key).values_list("pk", "start", "end").first()
    if following is not None and side.holds((following[1], -following[2], following[0])):
        where = f"beforebegin:#passage-{following[0]}"
    elif following is None and side.loaded_to is None:
        where = "beforeend:#side-list"
    else:
        return ""  # it comes after what the browser has loaded: it will come with its page
    # Not an inline swap: htmx inserts the wrapper's children.
    return f'<ol hx-swap-oob="{where}">{render_passage_item(span)}</ol>'


def activity_html(request: HttpRequest, article: Article, since: dt.datetime) -> str:
    """The history lines this analyst's change wrote (since `since`), for the top of the activity."""
    changes = (
        Change.objects.in_reader(article, request.user)
        .filter(actor=request.user, at__gte=since)
        .select_related("actor")
    )
    lines = "".join(
        render_to_string("annotations/reader.html#activity-line", {"change": change}, request)
        for change in changes
    )
    return f'<ol hx-swap-oob="afterbegin:#activity">{lines}</ol>' if lines else ""


def passage_count_html(request: HttpRequest, article: Article) -> str:
    count = Span.objects.in_reader(article, request.user).count()
    return render_to_string(
        "annotations/reader.html#passage-count", {"passage_count": count, "oob": True}, request
    )


def reader_answer(
    request: HttpRequest,
    span: Span,
    *,
    side: SideList,
    was_listed: bool,
    since: dt.datetime,
    repaint: bool = True,
    counted: bool = False,
    recent: bool = False,
) -> HttpResponse:
    """The panel, and out of band what the change touched: the paragraphs (`repaint`), the passage count
    (`counted`), the side-list item, the activity, the analyst's recent terms (`recent`)."""
    article = span.article
    context = panel_context(request, span)
    parts = [render_to_string("annotations/reader.html#span-panel", context, request)]
    if repaint:
        parts.append(paragraphs_html(request, article, span))
    if counted:
        parts.append(passage_count_html(request, article))
    parts.append(side_item_html(request, article, context["span"], side, was_listed))
    parts.append(activity_html(request, article, since))
    if recent:
        parts.append(
            render_to_string(
                "annotations/reader.html#recent-terms",
                {"recent_terms": Tag.recent_terms(request.user), "oob": True},
                request,
            )
        )
    response = HttpResponse("".join(parts))
    return trigger_client_event(response, "spanSaved", {"id": span.pk, "deleted": span.is_deleted})

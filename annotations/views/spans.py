"""Passages in the reader: create from a selection, tag, retag, untag, delete and undo, the panel.

Every change answers with the passage's panel plus the re-rendered paragraphs it touches
(swapped out of band by id) and triggers `spanSaved`, which the side list and the activity
listen for. A refusal answers 422 (bad request), 403 (someone else's passage) or 409
(stale version) with the message the panel shows; nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from annotations.models import Refused, Span, Tag
from annotations.permissions import can_change
from annotations.rendering import paragraph_bounds, paragraphs_touching, render_paragraphs
from annotations.suggestions import suggestions_shown, suggestions_with_labels
from corpus.models import Article
from ops.inputs import parse_ids

HISTORY_LENGTH = 30


def refusal(request: HttpRequest, refused: Refused) -> HttpResponse:
    return render(
        request, "annotations/reader.html#refusal", {"message": refused.message}, status=refused.status
    )


def get_span(span_id: int) -> Span:
    return get_object_or_404(Span.objects.select_related("article", "created_by"), pk=span_id)


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


def paragraphs_html(article: Article, span: Span, *, suggestions: bool = True) -> str:
    """The paragraphs this passage touches, re-rendered for an out-of-band swap, with the
    vocabulary suggestions no passage covers now (if `suggestions`)."""
    indexes = paragraphs_touching(article.body, span.start, span.end)
    bounds = paragraph_bounds(article.body)
    start, end = bounds[indexes[0]][0], bounds[indexes[-1]][1]
    # Widened by one so that an empty paragraph (start == end) still gives a non-empty range.
    spans = Span.objects.live().in_article(article).overlapping(start, end + 1).in_reading_order()
    rows = spans.for_reader()
    # Only suggestions inside these paragraphs are drawn, and only these passages can cover them.
    found, labels = suggestions_with_labels(article, rows) if suggestions else ([], {})
    rendered = render_paragraphs(article.body, rows, only=indexes, suggestions=found, labels=labels)
    return "".join(html.replace("<p ", '<p hx-swap-oob="true" ', 1) for html in rendered.values())


def panel_response(
    request: HttpRequest, span: Span, *, repaint: bool = True, recent: bool = False
) -> HttpResponse:
    html = render_to_string("annotations/reader.html#span-panel", panel_context(request, span), request)
    if repaint:
        html += paragraphs_html(span.article, span, suggestions=suggestions_shown(request))
        count = Span.objects.live().in_article(span.article).count()
        html += render_to_string(
            "annotations/reader.html#passage-count", {"passage_count": count, "oob": True}, request
        )
    if recent:
        html += render_to_string(
            "annotations/reader.html#recent-terms",
            {"recent_terms": Tag.recent_terms(request.user), "oob": True},
            request,
        )
    response = HttpResponse(html)
    return trigger_client_event(response, "spanSaved", {"id": span.pk, "deleted": span.is_deleted})


def _offset(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Refused(f"The {name} offset “{value or ''}” is not a whole number.") from None


@require_POST
def create_span(request: HttpRequest, article_id: int) -> HttpResponse:
    """A new passage from the browser's selection, with its first tag and an optional note."""
    article = get_object_or_404(Article, pk=article_id)
    try:
        start = _offset(request.POST.get("start"), "start")
        end = _offset(request.POST.get("end"), "end")
        term = Tag.term_for_tagging(request.POST.get("term"))
        span = Span.create_for(
            article,
            start,
            end,
            request.POST.get("text", ""),
            by=request.user,
            term=term,
            role=request.POST.get("role", ""),
            note=request.POST.get("note", ""),
        )
    except Refused as refused:
        return refusal(request, refused)
    span.article = article
    return panel_response(request, span, recent=True)


@require_GET
def span_panel(request: HttpRequest, span_id: int) -> HttpResponse:
    span = get_span(span_id)
    return render(request, "annotations/reader.html#span-panel", panel_context(request, span))


@require_GET
def choose_span(request: HttpRequest, article_id: int) -> HttpResponse:
    """Several passages cover the clicked point: list them to choose one."""
    ids = parse_ids(request.GET.get("ids", "").split())
    spans = Span.objects.live().filter(article_id=article_id, pk__in=ids).in_reading_order().for_reader()
    return render(request, "annotations/reader.html#span-choice", {"spans": spans})


def changed(
    request: HttpRequest, span_id: int, change: Callable[[Span], object], **response: bool
) -> HttpResponse:
    """Apply `change` to the passage and answer with its panel, or with the refusal."""
    span = get_span(span_id)
    try:
        change(span)
    except Refused as refused:
        return refusal(request, refused)
    return panel_response(request, span, **response)


def _version(request: HttpRequest) -> str | None:
    return request.POST.get("version")


@require_POST
def add_tag(request: HttpRequest, span_id: int) -> HttpResponse:
    def add(span: Span) -> None:
        term = Tag.term_for_tagging(request.POST.get("term"))
        span.add_tag(term, request.POST.get("role", ""), by=request.user, version=_version(request))

    return changed(request, span_id, add, recent=True)


@require_POST
def remove_tag(request: HttpRequest, span_id: int, tag_id: int) -> HttpResponse:
    return changed(
        request, span_id, lambda span: span.remove_tag(tag_id, by=request.user, version=_version(request))
    )


@require_POST
def change_role(request: HttpRequest, span_id: int, tag_id: int) -> HttpResponse:
    role = request.POST.get("role", "")
    return changed(
        request,
        span_id,
        lambda span: span.change_role(tag_id, role, by=request.user, version=_version(request)),
    )


@require_POST
def delete_span(request: HttpRequest, span_id: int) -> HttpResponse:
    return changed(
        request, span_id, lambda span: span.soft_delete(by=request.user, version=_version(request))
    )


@require_POST
def restore_span(request: HttpRequest, span_id: int) -> HttpResponse:
    return changed(request, span_id, lambda span: span.restore(by=request.user))

"""Passages in the reader: create from a selection, tag, retag, untag, delete and undo, the panel.

Every change answers in one response (views/repaint.py): the passage's panel, and out of band the
paragraphs it repainted, its side-list item, the activity lines and the passage count,
as far as the change touched them; the page fetches nothing afterwards. A refusal answers 422 (bad
request), 403 (someone else's passage) or 409 (stale version) with the message the panel shows; nothing
is changed. A 409 answers as a save does, with the passage as stored (the panel shows the refusal), so
that nothing on the screen keeps the refused values.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from annotations.models import Refused, Span, Tag
from annotations.views.repaint import panel_context, read_ahead, reader_answer
from annotations.views.side_list import SideList
from corpus.models import Article
from ops.compiled import CompiledObjects, reads_ahead
from ops.inputs import parse_offset

# The article of every new passage (a save's hot path): compiled once per process (ops/compiled.py).
# One row by its key: unordered, as QuerySet.get() reads it (the list's ordering is a sort on the server).
_article = CompiledObjects(lambda pk: Article.objects.defer("sentence_starts").filter(pk=pk).order_by())


def refusal(request: HttpRequest, refused: Refused) -> HttpResponse:
    return render(
        request, "annotations/reader.html#refusal", {"message": refused.message}, status=refused.status
    )


def get_span(span_id: int, user) -> Span:
    """The passage, if `user` may see it (independent coding): another analyst's hidden passage answers
    404, as a missing id does."""
    return get_object_or_404(
        Span.objects.visible_to(user).select_related("article", "created_by"), pk=span_id
    )


def _offset(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Refused(f"The {name} offset “{value or ''}” is not a whole number.") from None


def _save_reads(request: HttpRequest, article_id: int) -> None:
    """What a new passage's save reads whatever it saves: its article, and what its answer reads. Named
    before the view runs (ops/compiled.py reads_ahead), they go with the request's session and user."""
    _article.ahead(pk=article_id)
    read_ahead(request, article_id)


@reads_ahead(_save_reads)
@require_POST
def create_span(request: HttpRequest, article_id: int) -> HttpResponse:
    """A new passage from the browser's selection, with its first tag and an optional note."""
    found = _article(pk=article_id)
    if not found:
        raise Http404("No such article.")
    article = found[0]
    since = timezone.now()
    try:
        side = SideList.of_request(request)
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
    return reader_answer(request, span, side=side, was_listed=False, since=since, counted=True, fresh=True)


@require_GET
def span_panel(request: HttpRequest, span_id: int) -> HttpResponse:
    span = get_span(span_id, request.user)
    return render(request, "annotations/reader.html#span-panel", panel_context(request, span))


@require_GET
def choose_span(request: HttpRequest, article_id: int) -> HttpResponse:
    """The passages at a clicked point of the body (`?at=OFFSET`): the panel of the one passage there, or
    a list to choose from when several cover it. The body's marks name no passage; this asks."""
    article = get_object_or_404(Article, pk=article_id)
    offset = parse_offset(request.GET.get("at"))
    if offset is None:
        at = request.GET.get("at", "")[:40]
        return refusal(request, Refused(f"“{at}” is not an offset in the article.", status=400))
    spans = Span.objects.in_reader(article, request.user).overlapping(offset, offset + 1).in_reading_order()
    rows = spans[:50].for_reader()
    if len(rows) == 1:
        return span_panel(request, rows[0].pk)
    return render(request, "annotations/reader.html#span-choice", {"spans": rows})


def changed(
    request: HttpRequest, span_id: int, change: Callable[[Span], object], **answer: bool
) -> HttpResponse:
    """Apply `change` to the passage and answer with its panel and what it touched, or with the refusal."""
    span = get_span(span_id, request.user)
    since = timezone.now()
    try:
        side = SideList.of_request(request)
        was_listed = side.lists(span, request.user)
        change(span)
    except Refused as refused:
        if refused.status != 409:
            return refusal(request, refused)
        # Stale: the panel, the text and the side list show what is stored now, with the refusal.
        span.refresh_from_db()
        response = reader_answer(
            request,
            span,
            side=side,
            was_listed=was_listed,
            since=since,
            panel={"refusal": refused.message},
            event=("spanRefused", {"id": span.pk}),
        )
        response.status_code = 409
        response["Marginalia-Shown"] = "stored"
        return response
    return reader_answer(request, span, side=side, was_listed=was_listed, since=since, **answer)


def _version(request: HttpRequest) -> str | None:
    return request.POST.get("version")


@require_POST
def add_tag(request: HttpRequest, span_id: int) -> HttpResponse:
    def add(span: Span) -> None:
        term = Tag.term_for_tagging(request.POST.get("term"))
        span.add_tag(term, request.POST.get("role", ""), by=request.user, version=_version(request))

    return changed(request, span_id, add)


@require_POST
def remove_tag(request: HttpRequest, span_id: int, tag_id: int) -> HttpResponse:
    return changed(
        request, span_id, lambda span: span.remove_tag(tag_id, by=request.user, version=_version(request))
    )


@require_POST
def change_role(request: HttpRequest, span_id: int, tag_id: int) -> HttpResponse:
    """A role changes no highlight (the kind stays): no paragraph is repainted."""
    role = request.POST.get("role", "")
    return changed(
        request,
        span_id,
        lambda span: span.change_role(tag_id, role, by=request.user, version=_version(request)),
        repaint=False,
    )


@require_POST
def delete_span(request: HttpRequest, span_id: int) -> HttpResponse:
    return changed(
        request,
        span_id,
        lambda span: span.soft_delete(by=request.user, version=_version(request)),
        counted=True,
    )


@require_POST
def restore_span(request: HttpRequest, span_id: int) -> HttpResponse:
    return changed(request, span_id, lambda span: span.restore(by=request.user), counted=True)

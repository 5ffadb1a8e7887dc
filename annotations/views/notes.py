"""Notes in the reader: on a passage (shown in its panel) or on the whole article.

Any analyst may add a note anywhere; a note is edited or deleted by its author (or a lead).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_htmx.http import trigger_client_event

from annotations.models import Note, Refused
from annotations.permissions import can_change
from annotations.views.reader import article_notes
from annotations.views.spans import get_span, panel_response, refusal
from corpus.models import Article


def notes_response(request: HttpRequest, article: Article) -> HttpResponse:
    if not request.htmx:
        # Without JavaScript the form posts normally: back to the reader's notes.
        return redirect(article.get_absolute_url() + "#article-notes")
    notes = list(article_notes(article))
    for note in notes:
        note.editable = can_change(request.user, note.author_id)
    response = render(request, "annotations/reader.html#article-notes", {"article": article, "notes": notes})
    return trigger_client_event(response, "noteSaved")


def refused(request: HttpRequest, article: Article, refusal_: Refused) -> HttpResponse:
    if not request.htmx:
        # Without JavaScript the reader is loaded afresh: what the analyst typed goes back in the message,
        # so that a refused edit (someone else changed the note meanwhile) loses nothing.
        typed = request.POST.get("text", "").strip()
        messages.error(request, f"{refusal_.message} Your text: “{typed}”" if typed else refusal_.message)
        return redirect(article.get_absolute_url() + "#article-notes")
    return refusal(request, refusal_)


def add_article_note(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    if request.method != "POST":
        return redirect(article.get_absolute_url())
    try:
        Note.add_to_article(article, request.POST.get("text", ""), by=request.user)
    except Refused as refusal_:
        return refused(request, article, refusal_)
    return notes_response(request, article)


def add_span_note(request: HttpRequest, span_id: int) -> HttpResponse:
    span = get_span(span_id)
    if request.method != "POST":
        return redirect(span.get_absolute_url())
    try:
        span.add_note(request.POST.get("text", ""), by=request.user)
    except Refused as refusal_:
        return refusal(request, refusal_)
    return panel_response(request, span, repaint=False)


def change_note(request: HttpRequest, note_id: int, action: str) -> HttpResponse:
    """Edit or delete one note; the answer is the panel or the article's notes, wherever it lives."""
    note = get_object_or_404(
        Note.objects.live().select_related("article", "author", "span__article"), pk=note_id
    )
    if request.method != "POST":
        return redirect(note.article.get_absolute_url())
    try:
        if action == "delete":
            note.soft_delete(by=request.user, version=request.POST.get("version"))
        else:
            note.edit(request.POST.get("text", ""), by=request.user, version=request.POST.get("version"))
    except Refused as refusal_:
        if note.span_id:
            return refusal(request, refusal_)
        return refused(request, note.article, refusal_)
    if note.span_id:
        return panel_response(request, note.span, repaint=False)
    return notes_response(request, note.article)

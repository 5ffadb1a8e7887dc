"""Notes in the reader: on a passage (shown in its panel) or on the whole article.

Any analyst may add a note anywhere; a note is edited or deleted by its author (or a lead).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django_htmx.http import trigger_client_event

from annotations.models import Note, Refused, Span
from annotations.views.reader import article_notes
from annotations.views.repaint import activity_html
from annotations.views.spans import changed, refusal
from corpus.models import Article


def notes_response(request: HttpRequest, article: Article, since) -> HttpResponse:
    """The article's notes, and out of band the activity lines the change wrote."""
    if not request.htmx:
        # Without JavaScript the form posts normally: back to the reader's notes.
        return redirect(article.get_absolute_url() + "#article-notes")
    context = {"article": article, "notes": article_notes(request, article)}
    html = render_to_string("annotations/reader.html#article-notes", context, request)
    response = HttpResponse(html + activity_html(request, article, since))
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
    since = timezone.now()
    try:
        Note.add_to_article(article, request.POST.get("text", ""), by=request.user)
    except Refused as refusal_:
        return refused(request, article, refusal_)
    return notes_response(request, article, since)


def add_span_note(request: HttpRequest, span_id: int) -> HttpResponse:
    if request.method != "POST":
        span = get_object_or_404(Span.objects.visible_to(request.user), pk=span_id)
        return redirect(span.get_absolute_url())
    text = request.POST.get("text", "")
    return changed(request, span_id, lambda span: span.add_note(text, by=request.user), repaint=False)


def change_note(request: HttpRequest, note_id: int, action: str) -> HttpResponse:
    """Edit or delete one note; the answer is the panel or the article's notes, wherever it lives."""
    # Another analyst's hidden note (independent coding) answers 404, as a missing one does.
    note = get_object_or_404(
        Note.objects.live().visible_to(request.user).select_related("article", "author", "span__article"),
        pk=note_id,
    )
    if request.method != "POST":
        return redirect(note.article.get_absolute_url())

    def change(_span=None) -> None:
        if action == "delete":
            note.soft_delete(by=request.user, version=request.POST.get("version"))
        else:
            note.edit(request.POST.get("text", ""), by=request.user, version=request.POST.get("version"))

    if note.span_id:
        return changed(request, note.span_id, change, repaint=False)
    since = timezone.now()
    try:
        change()
    except Refused as refusal_:
        return refused(request, note.article, refusal_)
    return notes_response(request, note.article, since)

"""The reader: an article with its passages, the side list, article notes and recent activity.

The page is proportional to what is on screen: the body's markup does not grow with how deeply passages
nest (rendering.py), the side list and the activity come a page at a time (side_list.py), and a
passage's details come when it is clicked (spans.py). Changes to passages live in spans.py, their
answers in repaint.py; notes in notes.py. Fragments are partials of templates/annotations/reader.html.

Every query here starts from one entry point per resource (`Span.objects.in_reader`,
`Note.objects.in_reader`, `Change.objects.in_reader`), so that who may see what is decided in one place.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from annotations.folding import fold
from annotations.models import AssignedArticle, Note, Refused, Span, Tag, Term
from annotations.models.visibility import blind_rows
from annotations.permissions import can_change, is_lead
from annotations.rendering import render_body
from annotations.suggestions import SESSION_KEY, suggestions_shown, suggestions_with_labels
from annotations.views.side_list import (
    SideList,
    activity_context,
    parse_before,
    side_list_context,
    terms_used,
)
from corpus.models import Article
from ops.pages import bad_request_response

SUGGESTIONS = 10


def article_notes(request: HttpRequest, article: Article) -> list[Note]:
    notes = list(Note.objects.in_reader(article, request.user).on_article(article).select_related("author"))
    for note in notes:
        note.editable = can_change(request.user, note.author_id)
    return notes


@require_GET
def reader(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    try:
        side = SideList.from_query(request.GET)
        before = parse_before(request.GET)
    except Refused as refused:
        return bad_request_response(request, refused.message)  # the page's 400, in our words
    spans = Span.objects.in_reader(article, request.user).in_reading_order().for_body(with_terms=True)
    show_suggestions = suggestions_shown(request)
    suggestions, labels = suggestions_with_labels(article, spans) if show_suggestions else ([], {})
    context = {
        "article": article,
        # Escaped piece by piece in rendering.py.
        "body_html": mark_safe(render_body(article.body, spans, suggestions)),
        # The labels of every term the rules find in the article, once, as JSON (reader-suggestions.js
        # reads them from the suggestions toggle, which showing or hiding them replaces): a suggestion a
        # deleted passage uncovers later names one of them too.
        "suggestion_labels": json.dumps(labels, ensure_ascii=False, separators=(",", ":")),
        "suggestions_enabled": settings.MARGINALIA_SUGGESTIONS,
        "show_suggestions": show_suggestions,
        "suggestion_count": len(suggestions),
        "passage_count": len(spans),
        **side_list_context(request, article, side),
        "terms_used": terms_used(article, request.user, spans.term_ids),
        "roles": Tag.Role.choices,
        "recent_terms": Tag.recent_terms(request.user),
        "actor_types": Term.ActorType.choices,  # a new actor's kind, in the suggestion card
        "notes": article_notes(request, article),
        **activity_context(article, request.user, before),
        **team_context(article, request.user),
    }
    return render(request, "annotations/reader.html", context)


def team_context(article: Article, user) -> dict:
    """Independent coding in the reader: for an analyst coding this article blind, their task (the notice
    that colleagues' work is hidden, and Mark done: one query, only then); for a lead, the latest
    independent assignment of the article (the Compare switch: one query)."""
    if is_lead(user):
        assigned = AssignedArticle.objects.filter(article=article, assignment__independent=True)
        latest = assigned.order_by("-assignment__created_at", "-assignment_id")
        return {"compare_assignment": latest.values_list("assignment_id", flat=True).first()}
    if all(analyst != user.pk for analyst, _ in blind_rows(article.pk)):  # read for the rule already
        return {"blind_task": None}
    task = AssignedArticle.objects.blind().filter(article=article, analyst=user).order_by("pk").first()
    return {"blind_task": task}


@require_POST
def show_suggestions(request: HttpRequest, article_id: int) -> HttpResponse:
    """Show (show=1) or hide (show=0) vocabulary suggestions in the reader, for this session.
    A plain form post that lands back on the article; with htmx the body is taken from that page."""
    article = get_object_or_404(Article, pk=article_id)
    request.session[SESSION_KEY] = request.POST.get("show") != "1"
    return redirect(article)


@require_GET
def suggest_terms(request: HttpRequest) -> HttpResponse:
    """Type-ahead: active terms matching labels and aliases, with the alias that matched."""
    query = request.GET.get("q", "")
    key = fold(query)
    terms = (
        list(Term.objects.active().matching(query).prefetch_related("aliases")[:SUGGESTIONS]) if key else []
    )
    for term in terms:
        term.matched_alias = ""
        if key and key not in term.label_key:
            term.matched_alias = next((a.name for a in term.aliases.all() if key in a.key), "")
    return render(request, "annotations/reader.html#suggestions", {"terms": terms, "q": query})

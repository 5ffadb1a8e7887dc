"""The reader: an article with its passages, the side list, article notes and recent activity.

Changes to passages live in spans.py; notes in notes.py. Fragments are partials of
templates/annotations/reader.html.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from annotations.folding import fold
from annotations.models import Change, Note, Span, Tag, Term
from annotations.permissions import can_change
from annotations.rendering import render_body, render_passage_list
from annotations.suggestions import SESSION_KEY, suggestions_shown, suggestions_with_labels
from corpus.models import Article

ACTIVITY_LENGTH = 20
SUGGESTIONS = 10


def side_list_filters(request: HttpRequest) -> dict[str, str]:
    return {
        "term": request.GET.get("term", "").strip(),
        "role": request.GET.get("role", "").strip(),
        "who": request.GET.get("who", "").strip(),
    }


def filtered_passages(request: HttpRequest, spans: list[Span], filters: dict[str, str]) -> list[Span]:
    """The side list's passages: all live ones in reading order, narrowed by term, role and analyst."""
    term, role = filters["term"], filters["role"]
    if filters["who"] == "mine":
        spans = [s for s in spans if s.created_by_id == request.user.pk]
    if term or role:
        spans = [
            s
            for s in spans
            if any((not term or str(t.term_id) == term) and (not role or t.role == role) for t in s.tag_list)
        ]
    return spans


def terms_used(spans: list[Span]) -> list[Term]:
    terms = {tag.term_id: tag.term for span in spans for tag in span.tag_list}
    return sorted(terms.values(), key=lambda t: (t.kind, t.label.casefold()))


def activity(article: Article):
    return Change.objects.filter(article=article).select_related("actor")[:ACTIVITY_LENGTH]


def article_notes(article: Article):
    return Note.objects.live().on_article(article).select_related("author")


@require_GET
def reader(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    spans = Span.objects.live().in_article(article).in_reading_order().for_reader()
    filters = side_list_filters(request)
    passages = filtered_passages(request, spans, filters)
    notes = list(article_notes(article))
    for note in notes:
        note.editable = can_change(request.user, note.author_id)
    show_suggestions = suggestions_shown(request)
    suggestions, labels = suggestions_with_labels(article, spans) if show_suggestions else ([], {})
    context = {
        "article": article,
        # Escaped piece by piece in rendering.py.
        "body_html": mark_safe(render_body(article.body, spans, suggestions, labels)),
        "suggestions_enabled": settings.MARGINALIA_SUGGESTIONS,
        "show_suggestions": show_suggestions,
        "suggestion_count": len(suggestions),
        "passage_count": len(spans),
        "passages": passages,
        # Built in Python (rendering.py): a template loop over 2,000 passages costs half a second.
        "passages_html": mark_safe(render_passage_list(passages)),
        "filters": filters,
        "terms_used": terms_used(spans),
        "roles": Tag.Role.choices,
        "recent_terms": Tag.recent_terms(request.user),
        "actor_types": Term.ActorType.choices,  # a new actor's kind, in the suggestion card
        "notes": notes,
        "changes": activity(article),
    }
    return render(request, "annotations/reader.html", context)


@require_POST
def show_suggestions(request: HttpRequest, article_id: int) -> HttpResponse:
    """Show (show=1) or hide (show=0) vocabulary suggestions in the reader, for this session.
    A plain form post that lands back on the article; with htmx the body is taken from that page."""
    article = get_object_or_404(Article, pk=article_id)
    request.session[SESSION_KEY] = request.POST.get("show") != "1"
    return redirect(article)


@require_GET
def side_list(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    spans = Span.objects.live().in_article(article).in_reading_order().for_reader()
    filters = side_list_filters(request)
    passages = filtered_passages(request, spans, filters)
    context = {
        "article": article,
        "passages": passages,
        "passages_html": mark_safe(render_passage_list(passages)),  # escaped in rendering.py
        "filters": filters,
        "terms_used": terms_used(spans),
        "oob": True,
    }
    return render(request, "annotations/reader.html#side-list", context)


@require_GET
def article_activity(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    return render(
        request, "annotations/reader.html#activity", {"article": article, "changes": activity(article)}
    )


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

"""Vocabulary suggestions: an analyst rejects one in the reader (hidden in that article for
everyone), and the leads see which names mislead and may let a rejected pair be suggested again.

Accepting a suggestion is the selection form's own request (spans.create_span); adding a new
actor is Term.propose (POST /vocabulary/propose/), then that request.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from annotations.models import Refused, SuggestionRejection, Term
from annotations.permissions import is_lead
from annotations.rendering import paragraphs_touching
from annotations.suggestions import article_mentions, reject, restore_rejections
from annotations.views.repaint import paragraphs_html
from annotations.views.spans import refusal
from corpus.models import Article
from ops.inputs import parse_id


def _whole_number(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Refused(f"The {name} offset “{value or ''}” is not a whole number.") from None


@require_POST
def reject_suggestion(request: HttpRequest, article_id: int) -> HttpResponse:
    """POST start, end, text and term (empty for a new actor, with its label): this name is not
    this term in this article. Answers with the paragraphs that showed the pair, repainted (out of
    band), and triggers `suggestionRejected`; 422 names what is wrong."""
    article = get_object_or_404(Article, pk=article_id)
    try:
        start = _whole_number(request.POST.get("start"), "start")
        end = _whole_number(request.POST.get("end"), "end")
        if not 0 <= start < end <= len(article.body):
            raise Refused(
                f"The offsets {start}–{end} are not inside the article ({len(article.body)} characters)."
            )
        text = request.POST.get("text", "")
        if article.body[start:end] != text:
            raise Refused("The text sent is not the article's text at those offsets; reload the page.")
        term = None
        term_id = request.POST.get("term", "").strip()
        if term_id:
            if parse_id(term_id) is None or not Term.objects.filter(pk=parse_id(term_id)).exists():
                raise Refused(f"There is no term “{term_id}”.")
            term = Term.objects.get(pk=term_id)
    except Refused as refused:
        return refusal(request, refused)
    rejection = reject(article, start, end, term, request.POST.get("label", ""), by=request.user)
    key = rejection.key
    places = [m.start for m in article_mentions(article)[0] if m.key == key and m.term == rejection.term_id]
    # The paragraphs that showed the pair, repainted as a change's answer repaints them (views/repaint.py).
    body = article.body
    indexes = sorted({i for at in places or [start] for i in paragraphs_touching(body, at, at + 1)})
    html = paragraphs_html(request, article, indexes)
    return trigger_client_event(HttpResponse(html), "suggestionRejected", {"key": key, "term": term_id})


def _lead_only(request: HttpRequest) -> None:
    if not is_lead(request.user):
        raise PermissionDenied("Only leads see and restore rejected suggestions.")


@require_GET
def rejected_suggestions(request: HttpRequest) -> HttpResponse:
    """Each rejected pair (name, term or new actor), how many articles rejected it, the rule's
    kind and certainty, first and last time: the names that mislead, most often first. Everyone
    may read it; leads may let a pair be suggested again."""
    pairs = (
        SuggestionRejection.objects.values("key", "term_id", "term__label", "label", "certainty", "kind")
        .annotate(
            articles=Count("article", distinct=True),
            text=Min("text"),
            first=Min("rejected_at"),
            last=Max("rejected_at"),
        )
        .order_by("-articles", "key")
    )
    context = {"pairs": pairs[:500], "can_restore": is_lead(request.user)}
    return render(request, "annotations/rejected_suggestions.html", context)


@require_POST
def restore_suggestions(request: HttpRequest) -> HttpResponse:
    """For leads: suggest a rejected pair again, in every article."""
    _lead_only(request)
    restore_rejections(request.POST.get("key", ""), parse_id(request.POST.get("term", "")), by=request.user)
    return redirect("annotations:rejected-suggestions")

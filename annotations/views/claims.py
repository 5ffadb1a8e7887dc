"""Claims in the reader: the claim form (pre-filled), create, edit, delete and undo, the type-ahead.

A claim is coded on a passage that exists, or on a selection that becomes its passage in the same
request and transaction. Every save answers in one round trip, as a passage's change does
(views/repaint.py `reader_answer`): the passage's panel (with its claims), and, out of band, the
repainted paragraphs (the claim marker), the passage's side-list item (with its claims), the activity
lines the save wrote and, for a new passage, the passage count; no follow-up request. A refusal (422 bad
value, 403 someone else's claim, 409 stale or deleted) answers with the form again and the message: what
was typed for a bad value, what is stored for a stale or forbidden save; nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from annotations.claimcues import prefill_for
from annotations.folding import fold
from annotations.forms_claims import claim_fields, values_from_claim, values_from_post, values_from_prefill
from annotations.models import Claim, Refused, Span, Term, author_voice
from annotations.permissions import can_change
from annotations.views.repaint import reader_answer
from annotations.views.side_list import SideList
from annotations.views.spans import refusal
from corpus.models import Article
from ops.inputs import parse_id

OPTIONS_SHOWN = 8
HISTORY_LENGTH = 30


def get_claim(claim_id: int, user) -> Claim:
    """The claim, with what its form, checks and answer read; 404 when there is none, or when `user` may
    not see it (independent coding: as if it did not exist)."""
    return get_object_or_404(
        Claim.objects.visible_to(user).select_related(
            "span__created_by", "article__source", "created_by", "speaker", "speaker_group", "target"
        ),
        pk=claim_id,
    )


class Before(NamedTuple):
    """What the answer to a save must know from before it: the side list the browser shows
    (X-Side-List), whether it listed the passage, and when the save began (its activity lines)."""

    side: SideList
    was_listed: bool
    since: dt.datetime

    @classmethod
    def change(cls, request: HttpRequest, span: Span | None) -> Before:
        """Before a change to `span` (None: a passage the save makes); a bad header is refused (400)."""
        side = SideList.of_request(request)
        return cls(side, span is not None and side.lists(span, request.user), timezone.now())


def _offset(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Refused(f"The {name} offset “{value or ''}” is not a whole number.") from None


def _selection(request_data, article: Article) -> tuple[int, int, str]:
    """The selection sent with a new claim: offsets and text, checked against the body."""
    start = _offset(request_data.get("start"), "start")
    end = _offset(request_data.get("end"), "end")
    text = request_data.get("text", "")
    if not (0 <= start < end <= len(article.body)) or article.body[start:end] != text:
        raise Refused("The selection does not match the article; select the text again.")
    return start, end, text


def _target(request, request_data, article: Article) -> tuple[Span | None, tuple[int, int, str] | None]:
    """The passage a new claim goes on: an existing one (`span`, one the analyst may see) or a selection
    (start, end, text)."""
    span_id = request_data.get("span", "")
    if span_id:
        if parse_id(span_id) is None:
            raise Refused(f"Unknown passage “{span_id}”.")
        spans = Span.objects.visible_to(request.user).select_related("article", "created_by")
        span = get_object_or_404(spans, pk=parse_id(span_id))
        if span.article_id != article.pk:
            raise Refused("That passage is in another article.")
        if span.is_deleted:
            raise Refused("This passage has been deleted; reload the page.", status=409)
        return span, None
    return None, _selection(request_data, article)


def form_response(
    request: HttpRequest,
    article: Article,
    *,
    values: dict[str, str],
    span: Span | None = None,
    selection: tuple[int, int, str] | None = None,
    claim: Claim | None = None,
    suggested: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    quote = span.quote if span is not None else (selection[2] if selection else claim.span.quote)
    context = {
        "article": article,
        "span": span or (claim.span if claim else None),
        "selection": selection,
        "claim": claim,
        "quote": quote,
        "values": values,
        "fields": claim_fields(values, suggested),
        "suggested": bool(suggested),
        "author_label": f"Author: {author_voice(article)}",
        "message": message,
        "can_edit": claim is None or can_change(request.user, claim.created_by_id),
        "history": claim.history(HISTORY_LENGTH, viewer=request.user) if claim else [],
        "action": (
            reverse("annotations:claim-edit", args=[claim.pk])
            if claim
            else reverse("annotations:claim-create", args=[article.pk])
        ),
    }
    return render(request, "annotations/claims.html#claim-form", context, status=status)


@require_GET
def claim_form(request: HttpRequest, article_id: int) -> HttpResponse:
    """A new claim's form, pre-filled by the rules from the text around the passage or selection."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    try:
        span, selection = _target(request, request.GET, article)
    except Refused as refused:
        return render(
            request, "annotations/reader.html#refusal", {"message": refused.message}, status=refused.status
        )
    start, end = (span.start, span.end) if span is not None else selection[:2]
    values, suggested = values_from_prefill(prefill_for(article, start, end), article)
    return form_response(request, article, values=values, span=span, selection=selection, suggested=suggested)


@require_POST
def create_claim(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    span = selection = None
    try:
        span, selection = _target(request, request.POST, article)
        before = Before.change(request, span)
        if span is not None:
            claim = Claim.create_on(span, request.POST, by=request.user)
        else:
            claim = Claim.create_with_passage(article, *selection, request.POST, by=request.user)
    except Refused as refused:
        if span is None and selection is None:  # no passage to show a form on
            return refusal(request, refused)
        # Nothing was saved: the form comes back with what was typed.
        values = values_from_post(request.POST, article)
        return form_response(
            request, article, values=values, span=span, selection=selection, message=refused.message,
            status=refused.status,
        )  # fmt: skip
    return saved_response(request, claim, before, new_passage=span is None)


@require_GET
def claim_panel(request: HttpRequest, claim_id: int) -> HttpResponse:
    """A stored claim in its form: to change it (its coder or a lead), or to read it and its history."""
    claim = get_claim(claim_id, request.user)
    return form_response(request, claim.article, values=values_from_claim(claim), claim=claim)


@require_POST
def edit_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_claim(claim_id, request.user)
    try:
        before = Before.change(request, claim.span)
    except Refused as refused:
        return refusal(request, refused)
    try:
        claim.edit(request.POST, by=request.user, version=request.POST.get("version"))
    except Refused as refused:
        if refused.status == 422:
            values = values_from_post(request.POST, claim.article)
        else:
            # Stale, deleted or not theirs: show what is stored now, with the message.
            claim = get_claim(claim_id, request.user)
            values = values_from_claim(claim)
        return form_response(
            request, claim.article, values=values, claim=claim, message=refused.message, status=refused.status
        )
    # The claim marker stays: its paragraph is not repainted.
    return saved_response(request, claim, before, repaint=False)


@require_POST
def delete_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_claim(claim_id, request.user)
    try:
        before = Before.change(request, claim.span)
    except Refused as refused:
        return refusal(request, refused)
    try:
        claim.soft_delete(by=request.user, version=request.POST.get("version"))
    except Refused as refused:
        claim = get_claim(claim_id, request.user)
        return form_response(
            request, claim.article, values=values_from_claim(claim), claim=claim, message=refused.message,
            status=refused.status,
        )  # fmt: skip
    return saved_response(request, claim, before)


@require_POST
def restore_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_claim(claim_id, request.user)
    try:
        before = Before.change(request, claim.span)
        claim.restore(by=request.user)
    except Refused as refused:
        return refusal(request, refused)
    return saved_response(request, claim, before)


def saved_response(
    request: HttpRequest, claim: Claim, before: Before, *, new_passage: bool = False, repaint: bool = True
) -> HttpResponse:
    """The passage's panel, and out of band what the save changed on the page (views/repaint.py): the
    paragraphs (claim marker), the passage's side-list item (inserted in reading order for a new
    passage), the passage count for a new passage, the activity lines. Triggers `claimSaved`."""
    span = claim.span
    span.article = claim.article
    return reader_answer(
        request,
        span,
        side=before.side,
        was_listed=before.was_listed,
        since=before.since,
        repaint=repaint,
        counted=new_passage,
        panel={"changed_claim": claim},
        event=("claimSaved", {"id": claim.pk, "span": span.pk, "deleted": claim.is_deleted}),
    )


@require_GET
def claim_terms(request: HttpRequest, article_id: int) -> HttpResponse:
    """The claim form's type-aheads: `field` speaker (actors, the author's voice, an unnamed source),
    speaker_group (actors) or target (actors and event types). When no actor has the name typed, the
    list offers it as a new actor."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    query = request.GET.get("q", "").strip()
    field = request.GET.get("field", "speaker")
    key = fold(query)
    terms = Term.objects.active()
    if field in {"speaker", "speaker_group"}:
        terms = terms.actors()
    terms = list(terms.matching(query)[:OPTIONS_SHOWN]) if key else []
    author = author_voice(article)
    speaker = field == "speaker"
    # Typing the start of "author" or "unnamed source" asks for that choice: it comes first.
    says_author = speaker and bool(key) and "author".startswith(key)
    asks_author = says_author or (speaker and bool(key) and key in fold(author))
    asks_unnamed = speaker and bool(key) and "unnamed source".startswith(key)
    context = {
        "field": field,
        "q": "" if asks_unnamed else query,
        "terms": [] if says_author or asks_unnamed else terms,
        "author_label": f"Author: {author}",
        "author_first": asks_author,
        "offer_author": speaker and (not key or asks_author),
        "offer_unnamed": speaker,
        "unnamed_first": asks_unnamed,
        "offer_new": bool(key)
        and not (says_author or asks_unnamed)
        and not any(t.kind == Term.Kind.ACTOR for t in terms),
    }
    return render(request, "annotations/claims.html#claim-options", context)
